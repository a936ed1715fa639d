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
    bays (id) {
        id -> Int8,
        branch_id -> Int8,
        name -> Text,
        categories -> Array<Nullable<Text>>,
        active -> Bool,
    }
}

diesel::table! {
    booking_events (id) {
        id -> Int8,
        booking_id -> Int8,
        at -> Timestamptz,
        actor_user_id -> Nullable<Int8>,
        kind -> Text,
        from_status -> Nullable<Text>,
        to_status -> Nullable<Text>,
        note -> Text,
    }
}

diesel::table! {
    booking_services (booking_id, service_id) {
        booking_id -> Int8,
        service_id -> Int8,
    }
}

diesel::table! {
    bookings (id) {
        id -> Int8,
        branch_id -> Int8,
        customer_id -> Int8,
        vehicle_id -> Nullable<Int8>,
        device_id -> Nullable<Int8>,
        bay_id -> Int8,
        starts_at -> Timestamptz,
        ends_at -> Timestamptz,
        status -> Text,
        notes -> Text,
        cancel_reason -> Nullable<Text>,
        version -> Int4,
        created_by -> Nullable<Int8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
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
    customer_contacts (id) {
        id -> Int8,
        customer_id -> Int8,
        name -> Text,
        position -> Text,
        phone -> Text,
        email -> Text,
    }
}

diesel::table! {
    customers (id) {
        id -> Int8,
        kind -> Text,
        segment -> Text,
        name -> Text,
        phone -> Text,
        phone_digits -> Nullable<Text>,
        email -> Text,
        address -> Text,
        lead_source_id -> Nullable<Int8>,
        marketing_consent -> Bool,
        marketing_consent_at -> Nullable<Timestamptz>,
        notes -> Text,
        created_branch_id -> Int8,
        archived_at -> Nullable<Timestamptz>,
        erased_at -> Nullable<Timestamptz>,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    devices (id) {
        id -> Int8,
        customer_id -> Int8,
        kind -> Text,
        brand -> Text,
        model -> Text,
        serial -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    lead_sources (id) {
        id -> Int8,
        name -> Text,
        active -> Bool,
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
    message_outbox (id) {
        id -> Int8,
        branch_id -> Int8,
        template -> Text,
        customer_id -> Nullable<Int8>,
        recipient -> Text,
        booking_id -> Nullable<Int8>,
        ticket_id -> Nullable<Int8>,
        due_at -> Timestamptz,
        status -> Text,
        payload -> Jsonb,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    services (id) {
        id -> Int8,
        name -> Text,
        category -> Text,
        labour_hours -> Numeric,
        price -> Numeric,
        active -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
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

diesel::table! {
    ticket_counters (branch_id) {
        branch_id -> Int8,
        last_number -> Int4,
    }
}

diesel::table! {
    ticket_events (id) {
        id -> Int8,
        ticket_id -> Int8,
        at -> Timestamptz,
        actor_user_id -> Nullable<Int8>,
        kind -> Text,
        from_status -> Nullable<Text>,
        to_status -> Nullable<Text>,
        note -> Text,
    }
}

diesel::table! {
    ticket_lines (id) {
        id -> Int8,
        ticket_id -> Int8,
        kind -> Text,
        service_id -> Nullable<Int8>,
        description -> Text,
        quantity -> Numeric,
        unit_price -> Numeric,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    tickets (id) {
        id -> Int8,
        branch_id -> Int8,
        number -> Int4,
        customer_id -> Int8,
        vehicle_id -> Nullable<Int8>,
        device_id -> Nullable<Int8>,
        booking_id -> Nullable<Int8>,
        status -> Text,
        priority -> Text,
        problem -> Text,
        damage_notes -> Text,
        mileage -> Nullable<Int4>,
        created_by -> Nullable<Int8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    vehicles (id) {
        id -> Int8,
        customer_id -> Int8,
        vin -> Nullable<Text>,
        plate -> Text,
        make -> Text,
        model -> Text,
        year -> Nullable<Int4>,
        mileage -> Nullable<Int4>,
        created_at -> Timestamptz,
    }
}

diesel::joinable!(audit_log -> branches (branch_id));
diesel::joinable!(audit_log -> staff_users (actor_user_id));
diesel::joinable!(bays -> branches (branch_id));
diesel::joinable!(booking_events -> bookings (booking_id));
diesel::joinable!(booking_events -> staff_users (actor_user_id));
diesel::joinable!(booking_services -> bookings (booking_id));
diesel::joinable!(booking_services -> services (service_id));
diesel::joinable!(bookings -> bays (bay_id));
diesel::joinable!(bookings -> branches (branch_id));
diesel::joinable!(bookings -> customers (customer_id));
diesel::joinable!(bookings -> devices (device_id));
diesel::joinable!(bookings -> staff_users (created_by));
diesel::joinable!(bookings -> vehicles (vehicle_id));
diesel::joinable!(customer_contacts -> customers (customer_id));
diesel::joinable!(customers -> branches (created_branch_id));
diesel::joinable!(customers -> lead_sources (lead_source_id));
diesel::joinable!(devices -> customers (customer_id));
diesel::joinable!(message_outbox -> bookings (booking_id));
diesel::joinable!(message_outbox -> branches (branch_id));
diesel::joinable!(message_outbox -> customers (customer_id));
diesel::joinable!(message_outbox -> tickets (ticket_id));
diesel::joinable!(sessions -> staff_users (user_id));
diesel::joinable!(staff_users -> branches (home_branch_id));
diesel::joinable!(ticket_counters -> branches (branch_id));
diesel::joinable!(ticket_events -> staff_users (actor_user_id));
diesel::joinable!(ticket_events -> tickets (ticket_id));
diesel::joinable!(ticket_lines -> services (service_id));
diesel::joinable!(ticket_lines -> tickets (ticket_id));
diesel::joinable!(tickets -> bookings (booking_id));
diesel::joinable!(tickets -> branches (branch_id));
diesel::joinable!(tickets -> customers (customer_id));
diesel::joinable!(tickets -> devices (device_id));
diesel::joinable!(tickets -> staff_users (created_by));
diesel::joinable!(tickets -> vehicles (vehicle_id));
diesel::joinable!(vehicles -> customers (customer_id));

diesel::allow_tables_to_appear_in_same_query!(
    app_settings,
    audit_log,
    bays,
    booking_events,
    booking_services,
    bookings,
    branches,
    customer_contacts,
    customers,
    devices,
    lead_sources,
    login_attempts,
    message_outbox,
    services,
    sessions,
    staff_users,
    ticket_counters,
    ticket_events,
    ticket_lines,
    tickets,
    vehicles,
);
