// @generated automatically by Diesel CLI.

diesel::table! {
    app_settings (key) {
        key -> Text,
        value -> Text,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    approval_links (id) {
        id -> Int8,
        ticket_id -> Int8,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
        decision -> Nullable<Text>,
        created_by -> Nullable<Int8>,
        created_at -> Timestamptz,
        revoked_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    asset_diagnostics (id) {
        id -> Int8,
        asset_id -> Int8,
        results -> Jsonb,
        overall -> Text,
        technician_id -> Nullable<Int8>,
        at -> Timestamptz,
    }
}

diesel::table! {
    asset_movements (id) {
        id -> Int8,
        asset_id -> Int8,
        at -> Timestamptz,
        actor_user_id -> Nullable<Int8>,
        from_status -> Nullable<Text>,
        to_status -> Text,
        from_branch_id -> Nullable<Int8>,
        to_branch_id -> Int8,
        from_location_id -> Nullable<Int8>,
        to_location_id -> Nullable<Int8>,
        reason -> Text,
    }
}

diesel::table! {
    assets (id) {
        id -> Int8,
        asset_tag -> Text,
        serial -> Text,
        product_model_id -> Int8,
        vendor_id -> Nullable<Int8>,
        branch_id -> Int8,
        location_id -> Nullable<Int8>,
        purchase_cost -> Numeric,
        landed_cost -> Numeric,
        received_at -> Timestamptz,
        grade -> Nullable<Text>,
        battery_health -> Nullable<Int4>,
        battery_cycles -> Nullable<Int4>,
        cosmetic_notes -> Text,
        status -> Text,
        diagnostics_result -> Nullable<Text>,
        version -> Int4,
        created_at -> Timestamptz,
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
        version -> Int4,
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
        labour_rate -> Numeric,
        labour_cost_rate -> Numeric,
        currency -> Text,
        tax_registration -> Text,
        country -> Text,
        logo -> Nullable<Bytea>,
        logo_type -> Nullable<Text>,
        quiet_start -> Time,
        quiet_end -> Time,
    }
}

diesel::table! {
    branches_rev (one) {
        one -> Bool,
        rev -> Int8,
    }
}

diesel::table! {
    cash_up_lines (cash_up_id, method) {
        cash_up_id -> Int8,
        method -> Text,
        expected -> Numeric,
        counted -> Numeric,
    }
}

diesel::table! {
    cash_ups (id) {
        id -> Int8,
        branch_id -> Int8,
        day -> Date,
        opening_float -> Numeric,
        notes -> Text,
        closed_by -> Int8,
        closed_at -> Timestamptz,
    }
}

diesel::table! {
    credit_note_lines (id) {
        id -> Int8,
        credit_note_id -> Int8,
        invoice_line_id -> Int8,
        quantity -> Numeric,
        net -> Numeric,
        tax -> Numeric,
    }
}

diesel::table! {
    credit_notes (id) {
        id -> Int8,
        invoice_id -> Int8,
        branch_id -> Int8,
        reason -> Text,
        subtotal -> Numeric,
        tax_total -> Numeric,
        total -> Numeric,
        created_by -> Nullable<Int8>,
        at -> Timestamptz,
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
        version -> Int4,
    }
}

diesel::table! {
    campaigns (id) {
        id -> Int8,
        branch_id -> Int8,
        segment -> Text,
        params -> Jsonb,
        template -> Text,
        subject -> Text,
        message -> Text,
        matched -> Int4,
        queued -> Int4,
        created_by -> Nullable<Int8>,
        created_at -> Timestamptz,
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
        search_text -> Nullable<Text>,
        merged_into -> Nullable<Int8>,
        external_ref -> Nullable<Text>,
        preferred_channel -> Text,
    }
}

diesel::table! {
    dashboard_refreshes (view_name) {
        view_name -> Text,
        refreshed_at -> Timestamptz,
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
        version -> Int4,
    }
}

diesel::table! {
    diagnostic_checklists (category) {
        category -> Text,
        checks -> Array<Nullable<Text>>,
    }
}

diesel::table! {
    form_submissions (id) {
        id -> Uuid,
        user_id -> Nullable<Int8>,
        result -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    intake_batches (id) {
        id -> Int8,
        branch_id -> Int8,
        status -> Text,
        vendor_id -> Nullable<Int8>,
        reference -> Text,
        shipping -> Numeric,
        duty -> Numeric,
        created_by -> Nullable<Int8>,
        created_at -> Timestamptz,
        committed_at -> Nullable<Timestamptz>,
        purchase_order_id -> Nullable<Int8>,
    }
}

diesel::table! {
    intake_lines (id) {
        id -> Int8,
        batch_id -> Int8,
        serial -> Nullable<Text>,
        product_model_id -> Nullable<Int8>,
        stock_item_id -> Nullable<Int8>,
        quantity -> Int4,
        unit_cost -> Numeric,
        created_at -> Timestamptz,
        asset_id -> Nullable<Int8>,
    }
}

diesel::table! {
    invoice_counters (branch_id) {
        branch_id -> Int8,
        last_number -> Int4,
    }
}

diesel::table! {
    invoice_events (id) {
        id -> Int8,
        invoice_id -> Int8,
        from_status -> Nullable<Text>,
        to_status -> Text,
        note -> Text,
        actor_user_id -> Nullable<Int8>,
        at -> Timestamptz,
    }
}

diesel::table! {
    import_mappings (kind) {
        kind -> Text,
        mapping -> Jsonb,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    imports (id) {
        id -> Int8,
        branch_id -> Int8,
        user_id -> Int8,
        kind -> Text,
        file_name -> Text,
        file_bytes -> Int8,
        body -> Text,
        delimiter -> Text,
        headers -> Array<Text>,
        row_count -> Int4,
        mapping -> Jsonb,
        status -> Text,
        rows_done -> Int4,
        created_count -> Int4,
        skipped_count -> Int4,
        message -> Text,
        progress_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        committed_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    invoice_lines (id) {
        id -> Int8,
        invoice_id -> Int8,
        kind -> Text,
        asset_id -> Nullable<Int8>,
        stock_item_id -> Nullable<Int8>,
        service_id -> Nullable<Int8>,
        description -> Text,
        quantity -> Numeric,
        unit_price -> Numeric,
        unit_cost -> Nullable<Numeric>,
        net -> Numeric,
        tax -> Numeric,
        warranty_tier -> Nullable<Text>,
        live -> Bool,
        refunded_quantity -> Numeric,
        asset_status_before -> Nullable<Text>,
        created_at -> Timestamptz,
        for_service_id -> Nullable<Int8>,
    }
}

diesel::table! {
    invoices (id) {
        id -> Int8,
        branch_id -> Int8,
        number -> Nullable<Text>,
        seq -> Nullable<Int4>,
        status -> Text,
        customer_id -> Nullable<Int8>,
        walk_in_name -> Text,
        ticket_id -> Nullable<Int8>,
        lead_source -> Text,
        sales_person_id -> Nullable<Int8>,
        tax_rate -> Numeric,
        tax_rounding -> Text,
        subtotal -> Numeric,
        tax_total -> Numeric,
        total -> Numeric,
        paid_total -> Numeric,
        refunded_total -> Numeric,
        note -> Text,
        void_reason -> Text,
        created_by -> Nullable<Int8>,
        created_at -> Timestamptz,
        issued_by -> Nullable<Int8>,
        issued_at -> Nullable<Timestamptz>,
        updated_at -> Timestamptz,
        issued_cents -> Nullable<Int8>,
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
    locations (id) {
        id -> Int8,
        branch_id -> Int8,
        name -> Text,
        active -> Bool,
        version -> Int4,
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
    message_attempts (id) {
        id -> Int8,
        outbox_id -> Int8,
        at -> Timestamptz,
        channel -> Text,
        recipient -> Text,
        result -> Text,
        answer -> Text,
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
        channel -> Text,
        audience -> Text,
        attempts -> Int4,
        next_attempt_at -> Nullable<Timestamptz>,
        lease_until -> Nullable<Timestamptz>,
        sent_at -> Nullable<Timestamptz>,
        last_error -> Text,
        message_id -> Nullable<Text>,
        campaign_id -> Nullable<Int8>,
    }
}

diesel::table! {
    payments (id) {
        id -> Int8,
        invoice_id -> Int8,
        branch_id -> Int8,
        method -> Text,
        amount -> Numeric,
        tendered -> Nullable<Numeric>,
        change_given -> Numeric,
        reference -> Text,
        received_by -> Nullable<Int8>,
        at -> Timestamptz,
    }
}

diesel::table! {
    preorder_deposits (id) {
        id -> Int8,
        preorder_id -> Int8,
        branch_id -> Int8,
        method -> Text,
        amount -> Numeric,
        reference -> Text,
        received_by -> Nullable<Int8>,
        at -> Timestamptz,
    }
}

diesel::table! {
    preorder_events (id) {
        id -> Int8,
        preorder_id -> Int8,
        from_status -> Nullable<Text>,
        to_status -> Text,
        note -> Text,
        actor_user_id -> Nullable<Int8>,
        at -> Timestamptz,
    }
}

diesel::table! {
    preorders (id) {
        id -> Int8,
        branch_id -> Int8,
        customer_id -> Int8,
        product_model_id -> Int8,
        specs -> Text,
        agreed_price -> Numeric,
        deposit_required -> Numeric,
        deposit_paid -> Numeric,
        status -> Text,
        ordered_on -> Nullable<Date>,
        sla_due_on -> Nullable<Date>,
        asset_id -> Nullable<Int8>,
        invoice_id -> Nullable<Int8>,
        resale_invoice_id -> Nullable<Int8>,
        recovery -> Nullable<Numeric>,
        note -> Text,
        created_by -> Nullable<Int8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    message_templates (branch_id, event) {
        branch_id -> Int8,
        event -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Text,
        sms -> Text,
        updated_by -> Nullable<Int8>,
        updated_at -> Timestamptz,
        version -> Int4,
    }
}

diesel::table! {
    product_models (id) {
        id -> Int8,
        category -> Text,
        brand -> Text,
        model -> Text,
        specs -> Text,
        price_grade_a -> Numeric,
        price_grade_b -> Numeric,
        price_grade_c -> Numeric,
        warranty_days -> Int4,
        active -> Bool,
        created_at -> Timestamptz,
        version -> Int4,
        external_ref -> Nullable<Text>,
    }
}

diesel::table! {
    purchase_order_events (id) {
        id -> Int8,
        purchase_order_id -> Int8,
        from_status -> Nullable<Text>,
        to_status -> Text,
        note -> Text,
        actor_user_id -> Nullable<Int8>,
        at -> Timestamptz,
    }
}

diesel::table! {
    purchase_order_lines (id) {
        id -> Int8,
        purchase_order_id -> Int8,
        product_model_id -> Nullable<Int8>,
        stock_item_id -> Nullable<Int8>,
        quantity -> Int4,
        unit_cost -> Numeric,
        received -> Int4,
    }
}

diesel::table! {
    purchase_orders (id) {
        id -> Int8,
        branch_id -> Int8,
        vendor_id -> Int8,
        status -> Text,
        vendor_reference -> Text,
        expected_on -> Nullable<Date>,
        note -> Text,
        created_by -> Nullable<Int8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    refund_payments (id) {
        id -> Int8,
        credit_note_id -> Int8,
        branch_id -> Int8,
        method -> Text,
        amount -> Numeric,
        reference -> Text,
        paid_by -> Nullable<Int8>,
        at -> Timestamptz,
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
        version -> Int4,
        external_ref -> Nullable<Text>,
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
        rev -> Int8,
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
        rev -> Int8,
    }
}

diesel::table! {
    stock_items (id) {
        id -> Int8,
        sku -> Text,
        name -> Text,
        category -> Text,
        unit_cost -> Numeric,
        unit_price -> Numeric,
        reorder_threshold -> Int4,
        preferred_vendor_id -> Nullable<Int8>,
        active -> Bool,
        created_at -> Timestamptz,
        version -> Int4,
        external_ref -> Nullable<Text>,
    }
}

diesel::table! {
    stock_ledger (id) {
        id -> Int8,
        stock_item_id -> Int8,
        branch_id -> Int8,
        kind -> Text,
        quantity -> Int4,
        unit_cost -> Nullable<Numeric>,
        reason -> Text,
        reference -> Text,
        actor_user_id -> Nullable<Int8>,
        at -> Timestamptz,
    }
}

diesel::table! {
    stock_levels (stock_item_id, branch_id) {
        stock_item_id -> Int8,
        branch_id -> Int8,
        on_hand -> Int4,
    }
}

diesel::table! {
    notifications (id) {
        id -> Int8,
        user_id -> Int8,
        branch_id -> Int8,
        kind -> Text,
        text -> Text,
        link -> Text,
        once_key -> Text,
        created_at -> Timestamptz,
        read_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    status_links (id) {
        id -> Int8,
        ticket_id -> Int8,
        expires_at -> Timestamptz,
        created_by -> Nullable<Int8>,
        created_at -> Timestamptz,
        revoked_at -> Nullable<Timestamptz>,
        revoked_by -> Nullable<Int8>,
    }
}

diesel::table! {
    ticket_counters (branch_id) {
        branch_id -> Int8,
        last_number -> Int4,
    }
}

diesel::table! {
    ticket_deposits (id) {
        id -> Int8,
        ticket_id -> Int8,
        branch_id -> Int8,
        method -> Text,
        amount -> Numeric,
        reference -> Text,
        received_by -> Nullable<Int8>,
        at -> Timestamptz,
        applied_invoice_id -> Nullable<Int8>,
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
        stock_item_id -> Nullable<Int8>,
        asset_id -> Nullable<Int8>,
        created_by -> Nullable<Int8>,
        unit_cost -> Nullable<Numeric>,
    }
}

diesel::table! {
    ticket_signatures (ticket_id) {
        ticket_id -> Int8,
        branch_id -> Int8,
        png -> Bytea,
        signed_at -> Timestamptz,
    }
}

diesel::table! {
    ticket_unlock_codes (ticket_id) {
        ticket_id -> Int8,
        branch_id -> Int8,
        code -> Text,
    }
}

diesel::table! {
    ticket_part_waits (id) {
        id -> Int8,
        ticket_id -> Int8,
        branch_id -> Int8,
        stock_item_id -> Int8,
        quantity -> Int4,
        created_by -> Nullable<Int8>,
        created_at -> Timestamptz,
        arrived_at -> Nullable<Timestamptz>,
        arrived_with -> Nullable<Text>,
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
        assigned_to -> Nullable<Int8>,
        asset_id -> Nullable<Int8>,
        outcome -> Nullable<Text>,
        approval -> Nullable<Text>,
        approval_by -> Text,
        approval_method -> Text,
        approved_at -> Nullable<Timestamptz>,
        qc_by -> Nullable<Int8>,
        qc_at -> Nullable<Timestamptz>,
        closed_at -> Nullable<Timestamptz>,
        accessories -> Text,
        promised_on -> Nullable<Date>,
        findings -> Text,
    }
}

diesel::table! {
    time_entries (id) {
        id -> Int8,
        ticket_id -> Int8,
        technician_id -> Int8,
        started_at -> Timestamptz,
        ended_at -> Nullable<Timestamptz>,
        hours -> Nullable<Numeric>,
        billable -> Bool,
        approved_by -> Nullable<Int8>,
        approved_at -> Nullable<Timestamptz>,
        invoice_id -> Nullable<Int8>,
        note -> Text,
    }
}

diesel::table! {
    transfer_lines (id) {
        id -> Int8,
        transfer_id -> Int8,
        asset_id -> Nullable<Int8>,
        asset_status -> Nullable<Text>,
        stock_item_id -> Nullable<Int8>,
        quantity -> Int4,
    }
}

diesel::table! {
    transfers (id) {
        id -> Int8,
        from_branch_id -> Int8,
        to_branch_id -> Int8,
        status -> Text,
        note -> Text,
        shipped_by -> Nullable<Int8>,
        shipped_at -> Timestamptz,
        received_by -> Nullable<Int8>,
        received_at -> Nullable<Timestamptz>,
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
        version -> Int4,
    }
}

diesel::table! {
    vendors (id) {
        id -> Int8,
        name -> Text,
        phone -> Text,
        email -> Text,
        notes -> Text,
        active -> Bool,
        created_at -> Timestamptz,
        version -> Int4,
        external_ref -> Nullable<Text>,
    }
}

diesel::table! {
    warranties (id) {
        id -> Int8,
        invoice_line_id -> Int8,
        invoice_id -> Int8,
        branch_id -> Int8,
        customer_id -> Nullable<Int8>,
        asset_id -> Nullable<Int8>,
        stock_item_id -> Nullable<Int8>,
        tier -> Text,
        starts_on -> Date,
        ends_on -> Date,
        status -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    warranty_claim_events (id) {
        id -> Int8,
        claim_id -> Int8,
        from_status -> Nullable<Text>,
        to_status -> Text,
        note -> Text,
        actor_user_id -> Nullable<Int8>,
        at -> Timestamptz,
    }
}

diesel::table! {
    warranty_claims (id) {
        id -> Int8,
        warranty_id -> Int8,
        branch_id -> Int8,
        status -> Text,
        problem -> Text,
        deny_reason -> Text,
        ticket_id -> Nullable<Int8>,
        outcome -> Text,
        cost -> Nullable<Numeric>,
        created_by -> Nullable<Int8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    warranty_events (id) {
        id -> Int8,
        warranty_id -> Int8,
        from_status -> Nullable<Text>,
        to_status -> Text,
        note -> Text,
        actor_user_id -> Nullable<Int8>,
        at -> Timestamptz,
    }
}

diesel::table! {
    warranty_terms (category) {
        category -> Text,
        standard_days -> Int4,
        premium_days -> Int4,
        terms -> Text,
    }
}

diesel::table! {
    wipe_certificates (id) {
        id -> Int8,
        asset_id -> Int8,
        method -> Text,
        reference -> Text,
        technician_id -> Nullable<Int8>,
        wiped_at -> Timestamptz,
    }
}

diesel::joinable!(approval_links -> staff_users (created_by));
diesel::joinable!(approval_links -> tickets (ticket_id));
diesel::joinable!(notifications -> branches (branch_id));
diesel::joinable!(notifications -> staff_users (user_id));
diesel::joinable!(status_links -> tickets (ticket_id));
diesel::joinable!(asset_diagnostics -> assets (asset_id));
diesel::joinable!(asset_diagnostics -> staff_users (technician_id));
diesel::joinable!(asset_movements -> assets (asset_id));
diesel::joinable!(asset_movements -> staff_users (actor_user_id));
diesel::joinable!(assets -> branches (branch_id));
diesel::joinable!(assets -> locations (location_id));
diesel::joinable!(assets -> product_models (product_model_id));
diesel::joinable!(assets -> vendors (vendor_id));
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
diesel::joinable!(cash_up_lines -> cash_ups (cash_up_id));
diesel::joinable!(cash_ups -> branches (branch_id));
diesel::joinable!(cash_ups -> staff_users (closed_by));
diesel::joinable!(credit_note_lines -> credit_notes (credit_note_id));
diesel::joinable!(credit_note_lines -> invoice_lines (invoice_line_id));
diesel::joinable!(credit_notes -> branches (branch_id));
diesel::joinable!(credit_notes -> invoices (invoice_id));
diesel::joinable!(credit_notes -> staff_users (created_by));
diesel::joinable!(customer_contacts -> customers (customer_id));
diesel::joinable!(customers -> branches (created_branch_id));
diesel::joinable!(customers -> lead_sources (lead_source_id));
diesel::joinable!(devices -> customers (customer_id));
diesel::joinable!(form_submissions -> staff_users (user_id));
diesel::joinable!(intake_batches -> branches (branch_id));
diesel::joinable!(intake_batches -> purchase_orders (purchase_order_id));
diesel::joinable!(intake_batches -> staff_users (created_by));
diesel::joinable!(intake_batches -> vendors (vendor_id));
diesel::joinable!(intake_lines -> assets (asset_id));
diesel::joinable!(intake_lines -> intake_batches (batch_id));
diesel::joinable!(intake_lines -> product_models (product_model_id));
diesel::joinable!(intake_lines -> stock_items (stock_item_id));
diesel::joinable!(invoice_counters -> branches (branch_id));
diesel::joinable!(invoice_events -> invoices (invoice_id));
diesel::joinable!(invoice_events -> staff_users (actor_user_id));
diesel::joinable!(invoice_lines -> assets (asset_id));
diesel::joinable!(invoice_lines -> invoices (invoice_id));
diesel::joinable!(invoice_lines -> services (service_id));
diesel::joinable!(invoice_lines -> stock_items (stock_item_id));
diesel::joinable!(invoices -> branches (branch_id));
diesel::joinable!(invoices -> customers (customer_id));
diesel::joinable!(invoices -> tickets (ticket_id));
diesel::joinable!(locations -> branches (branch_id));
diesel::joinable!(message_outbox -> bookings (booking_id));
diesel::joinable!(message_outbox -> branches (branch_id));
diesel::joinable!(message_outbox -> customers (customer_id));
diesel::joinable!(message_outbox -> tickets (ticket_id));
diesel::joinable!(payments -> branches (branch_id));
diesel::joinable!(payments -> invoices (invoice_id));
diesel::joinable!(payments -> staff_users (received_by));
diesel::joinable!(preorder_deposits -> branches (branch_id));
diesel::joinable!(preorder_deposits -> preorders (preorder_id));
diesel::joinable!(preorder_deposits -> staff_users (received_by));
diesel::joinable!(preorder_events -> preorders (preorder_id));
diesel::joinable!(preorder_events -> staff_users (actor_user_id));
diesel::joinable!(preorders -> assets (asset_id));
diesel::joinable!(preorders -> branches (branch_id));
diesel::joinable!(preorders -> customers (customer_id));
diesel::joinable!(preorders -> product_models (product_model_id));
diesel::joinable!(preorders -> staff_users (created_by));
diesel::joinable!(purchase_order_events -> purchase_orders (purchase_order_id));
diesel::joinable!(purchase_order_events -> staff_users (actor_user_id));
diesel::joinable!(purchase_order_lines -> product_models (product_model_id));
diesel::joinable!(purchase_order_lines -> purchase_orders (purchase_order_id));
diesel::joinable!(purchase_order_lines -> stock_items (stock_item_id));
diesel::joinable!(purchase_orders -> branches (branch_id));
diesel::joinable!(purchase_orders -> staff_users (created_by));
diesel::joinable!(purchase_orders -> vendors (vendor_id));
diesel::joinable!(refund_payments -> branches (branch_id));
diesel::joinable!(refund_payments -> credit_notes (credit_note_id));
diesel::joinable!(refund_payments -> staff_users (paid_by));
diesel::joinable!(sessions -> staff_users (user_id));
diesel::joinable!(staff_users -> branches (home_branch_id));
diesel::joinable!(stock_items -> vendors (preferred_vendor_id));
diesel::joinable!(stock_ledger -> branches (branch_id));
diesel::joinable!(stock_ledger -> staff_users (actor_user_id));
diesel::joinable!(stock_ledger -> stock_items (stock_item_id));
diesel::joinable!(stock_levels -> branches (branch_id));
diesel::joinable!(stock_levels -> stock_items (stock_item_id));
diesel::joinable!(ticket_counters -> branches (branch_id));
diesel::joinable!(ticket_deposits -> branches (branch_id));
diesel::joinable!(ticket_deposits -> invoices (applied_invoice_id));
diesel::joinable!(ticket_deposits -> staff_users (received_by));
diesel::joinable!(ticket_deposits -> tickets (ticket_id));
diesel::joinable!(ticket_part_waits -> tickets (ticket_id));
diesel::joinable!(ticket_part_waits -> stock_items (stock_item_id));
diesel::joinable!(ticket_part_waits -> branches (branch_id));
diesel::joinable!(ticket_events -> staff_users (actor_user_id));
diesel::joinable!(ticket_events -> tickets (ticket_id));
diesel::joinable!(ticket_lines -> assets (asset_id));
diesel::joinable!(ticket_lines -> services (service_id));
diesel::joinable!(ticket_lines -> staff_users (created_by));
diesel::joinable!(ticket_lines -> stock_items (stock_item_id));
diesel::joinable!(ticket_lines -> tickets (ticket_id));
diesel::joinable!(ticket_signatures -> branches (branch_id));
diesel::joinable!(ticket_signatures -> tickets (ticket_id));
diesel::joinable!(ticket_unlock_codes -> branches (branch_id));
diesel::joinable!(ticket_unlock_codes -> tickets (ticket_id));
diesel::joinable!(tickets -> assets (asset_id));
diesel::joinable!(tickets -> bookings (booking_id));
diesel::joinable!(tickets -> branches (branch_id));
diesel::joinable!(tickets -> customers (customer_id));
diesel::joinable!(tickets -> devices (device_id));
diesel::joinable!(tickets -> vehicles (vehicle_id));
diesel::joinable!(time_entries -> invoices (invoice_id));
diesel::joinable!(time_entries -> tickets (ticket_id));
diesel::joinable!(transfer_lines -> assets (asset_id));
diesel::joinable!(transfer_lines -> stock_items (stock_item_id));
diesel::joinable!(transfer_lines -> transfers (transfer_id));
diesel::joinable!(vehicles -> customers (customer_id));
diesel::joinable!(warranties -> assets (asset_id));
diesel::joinable!(warranties -> branches (branch_id));
diesel::joinable!(warranties -> customers (customer_id));
diesel::joinable!(warranties -> invoice_lines (invoice_line_id));
diesel::joinable!(warranties -> invoices (invoice_id));
diesel::joinable!(warranties -> stock_items (stock_item_id));
diesel::joinable!(warranty_claim_events -> staff_users (actor_user_id));
diesel::joinable!(warranty_claim_events -> warranty_claims (claim_id));
diesel::joinable!(warranty_claims -> branches (branch_id));
diesel::joinable!(warranty_claims -> staff_users (created_by));
diesel::joinable!(warranty_claims -> tickets (ticket_id));
diesel::joinable!(warranty_claims -> warranties (warranty_id));
diesel::joinable!(warranty_events -> staff_users (actor_user_id));
diesel::joinable!(warranty_events -> warranties (warranty_id));
diesel::joinable!(wipe_certificates -> assets (asset_id));
diesel::joinable!(wipe_certificates -> staff_users (technician_id));

diesel::allow_tables_to_appear_in_same_query!(
    campaigns,
    message_attempts,
    message_templates,
    import_mappings,
    imports,
    app_settings,
    approval_links,
    asset_diagnostics,
    asset_movements,
    assets,
    audit_log,
    bays,
    booking_events,
    booking_services,
    bookings,
    branches,
    branches_rev,
    cash_up_lines,
    cash_ups,
    credit_note_lines,
    credit_notes,
    customer_contacts,
    customers,
    dashboard_refreshes,
    devices,
    diagnostic_checklists,
    form_submissions,
    intake_batches,
    intake_lines,
    invoice_counters,
    invoice_events,
    invoice_lines,
    invoices,
    lead_sources,
    locations,
    login_attempts,
    message_outbox,
    notifications,
    payments,
    preorder_deposits,
    preorder_events,
    preorders,
    product_models,
    purchase_order_events,
    purchase_order_lines,
    purchase_orders,
    refund_payments,
    services,
    sessions,
    staff_users,
    status_links,
    stock_items,
    stock_ledger,
    stock_levels,
    ticket_counters,
    ticket_deposits,
    ticket_events,
    ticket_lines,
    ticket_signatures,
    ticket_unlock_codes,
    ticket_part_waits,
    tickets,
    time_entries,
    transfer_lines,
    transfers,
    vehicles,
    vendors,
    warranties,
    warranty_claim_events,
    warranty_claims,
    warranty_events,
    warranty_terms,
    wipe_certificates,
);
