DROP TABLE app_settings;
DROP TABLE audit_log;
DROP FUNCTION audit_log_refuse_change();
DROP TABLE login_attempts;
DROP TABLE sessions;
