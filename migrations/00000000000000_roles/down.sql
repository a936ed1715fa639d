REVOKE USAGE ON SCHEMA public FROM workbay_app;
