//! Exports of the shop's records: customers (audited), stock on hand and units as CSV, and one
//! customer's own data as a JSON bundle (audited).

use workbay::domain::role::Role;

use crate::common::fixtures::{issued_sale, product_model, receive_unit, stock_in, stock_item};
use crate::common::spawn_app;

#[tokio::test]
async fn customers_stock_and_units_come_out_as_csv() {
    let app = spawn_app().await;
    let branch = app.branch_id;
    let amina = app
        .create_customer("Amina, Njoroge", "+254722444555", "amina@example.com")
        .await;
    let merged = app.create_customer("Amina N.", "+254722444555", "").await;
    app.exec(&format!(
        "UPDATE customers SET merged_into = {amina} WHERE id = {merged}"
    ))
    .await;
    app.create_customer("=HYPERLINK(\"x\")", "+254700000001", "")
        .await;
    app.with_db(move |c| {
        let pads = stock_item(c, "BP-1", "Brake pads", "800", "1200", 2);
        stock_in(c, branch, pads, 3);
        stock_item(c, "OF-2", "Oil filter", "300", "450", 0);
        let model = product_model(c, "Phone", "Apple", "iPhone 11", 90);
        receive_unit(c, branch, model, "F2LXK0HJ", "20000", "20500");
    })
    .await;
    let manager = app.login_as(Role::Manager).await;

    let csv = app.get_html("/exports/customers.csv").await;
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "id,reference,name,kind,prices,phone,email,address,marketing_consent,consent_changed_at,created_at,created_branch,notes"
    );
    assert_eq!(lines.len(), 3, "the merged customer is not listed: {csv}");
    assert!(
        lines[1].starts_with(&format!(
            "{amina},,\"Amina, Njoroge\",person,retail,'+254722444555,amina@example.com,,no,,"
        )),
        "{csv}"
    );
    assert!(
        lines[2].contains(",\"'=HYPERLINK(\"\"x\"\")\","),
        "a formula stays text: {csv}"
    );
    assert_eq!(
        app.count(&format!("SELECT count(*) FROM audit_log WHERE action = 'customers.export' AND actor_user_id = {} AND after->>'customers' = '2'", manager.id)).await,
        1
    );

    let stock = app.get_html("/exports/stock.csv").await;
    assert_eq!(
        stock.lines().collect::<Vec<_>>(),
        [
            "sku,name,category,on_hand,unit_cost,stock_value,unit_price,reorder_at,vendor,currency",
            "BP-1,Brake pads,,3,800.00,2400.00,1200.00,2,,KES",
            "OF-2,Oil filter,,0,300.00,0.00,450.00,0,,KES",
        ]
    );
    let units = app.get_html("/exports/units.csv").await;
    let unit = units.lines().nth(1).unwrap();
    assert!(
        unit.contains(",F2LXK0HJ,Phone,Apple,iPhone 11,,received,,20000.00,20500.00,"),
        "{units}"
    );

    app.login_as(Role::Receptionist).await;
    assert_eq!(app.fetch("/exports/customers.csv").await.status, 403);
}

#[tokio::test]
async fn a_customer_gets_everything_kept_about_them_in_one_file_and_the_handing_out_is_audited() {
    let app = spawn_app().await;
    let branch = app.branch_id;
    let amina = app
        .create_customer("Amina Njoroge", "+254722444555", "amina@example.com")
        .await;
    let other = app
        .create_customer("Brian Otieno", "+254733000111", "")
        .await;
    app.exec(&format!("INSERT INTO vehicles (customer_id, plate, make, model) VALUES ({amina}, 'KCB123A', 'Toyota', 'Probox')")).await;
    let invoice = app
        .with_db(move |c| issued_sale(c, branch, Some(amina), &["1500"]))
        .await;
    app.with_db(move |c| issued_sale(c, branch, Some(other), &["999"]))
        .await;
    let manager = app.login_as(Role::Manager).await;
    let reply = app
        .fetch(&format!("/customers/{amina}/data.json"))
        .await
        .is(200)
        .body
        .clone();
    let data: serde_json::Value = serde_json::from_str(&reply).unwrap();
    assert_eq!(data["customer"]["name"], "Amina Njoroge");
    assert_eq!(data["customer"]["email"], "amina@example.com");
    assert_eq!(data["vehicles"][0]["plate"], "KCB123A");
    assert_eq!(data["invoices"].as_array().unwrap().len(), 1, "only theirs");
    assert_eq!(data["invoices"][0]["id"], invoice);
    assert_eq!(data["invoices"][0]["lines"][0]["description"], "Work");
    assert!(data["customer"].get("search_text").is_none());
    assert_eq!(
        app.count(&format!("SELECT count(*) FROM audit_log WHERE action = 'customer.data_export' AND entity_id = '{amina}' AND actor_user_id = {} AND after IS NULL", manager.id)).await,
        1,
        "who took it is recorded, not what it held"
    );
    let page = app.get_html(&format!("/customers/{amina}")).await;
    assert!(
        page.contains(&format!("href=\"/customers/{amina}/data.json\"")),
        "{page}"
    );
    app.login_as(Role::Receptionist).await;
    assert_eq!(
        app.fetch(&format!("/customers/{amina}/data.json"))
            .await
            .status,
        403
    );
}
