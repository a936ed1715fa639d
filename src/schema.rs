// @generated automatically by Diesel CLI.

diesel::table! {
    app_settings (key) {
        key -> Text,
        value -> Text,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Int8,
        at -> Timestamptz,
        actor_user_id -> Nullable<Int8>,
        branch_id -> Nullable<Int8>,
        action -> Text,
        entity -> Text,
        entity_id -> Nullable<Text>,
        before -> Nullable<Jsonb>,
        after -> Nullable<Jsonb>,
        client_addr -> Nullable<Text>,
    }
}

diesel::table! {
    branches (id) {
        id -> Int8,
        name -> Text,
        timezone -> Text,
        invoice_prefix -> Text,
        tax_rate -> Numeric,
        tax_rounding -> Text,
        address -> Text,
        phone -> Text,
        opening_hours -> Jsonb,
        active -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    login_attempts (id) {
        id -> Int8,
        username -> Text,
        client_addr -> Text,
        succeeded -> Bool,
        at -> Timestamptz,
    }
}

diesel::table! {
    sessions (key_hash) {
        key_hash -> Text,
        user_id -> Nullable<Int8>,
        state -> Jsonb,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        absolute_expires_at -> Timestamptz,
    }
}

diesel::table! {
    staff_users (id) {
        id -> Int8,
        username -> Text,
        full_name -> Text,
        role -> Text,
        home_branch_id -> Int8,
        password_hash -> Text,
        must_change_password -> Bool,
        active -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::joinable!(audit_log -> branches (branch_id));
diesel::joinable!(audit_log -> staff_users (actor_user_id));
diesel::joinable!(sessions -> staff_users (user_id));
diesel::joinable!(staff_users -> branches (home_branch_id));

diesel::allow_tables_to_appear_in_same_query!(
    app_settings,
    audit_log,
    branches,
    login_attempts,
    sessions,
    staff_users,
);
