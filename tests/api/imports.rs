//! Imports from the old system through HTTP: upload, the mapping and the preview (nothing
//! written), the commit (all or nothing, in the background), and the same file again adding
//! nothing.

use std::time::Duration;

use workbay::domain::role::Role;

use crate::common::http::Reply;
use crate::common::{TestApp, spawn_app};

/// Uploads `bytes` as a `kind` file named `name` with the app's client.
pub async fn upload(app: &TestApp, kind: &str, name: &str, bytes: Vec<u8>) -> Reply {
    app.upload_import(kind, name, bytes).await
}

/// Uploads and returns the import's page address.
pub async fn uploaded(app: &TestApp, kind: &str, text: &str) -> String {
    let reply = upload(app, kind, "old.csv", text.as_bytes().to_vec()).await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    assert!(
        reply.location.starts_with("/imports/"),
        "{}",
        reply.location
    );
    reply.location
}

/// The column chosen for each field on the import's page, as its form would send them.
pub async fn shown_mapping(app: &TestApp, at: &str) -> Vec<(String, String)> {
    let page = app.get_html(at).await;
    page.split("name=\"map_")
        .skip(1)
        .map(|rest| {
            let key = &rest[..rest.find('"').unwrap()];
            let select = &rest[..rest.find("</select>").unwrap()];
            let chosen = select
                .find("\" selected>")
                .map(|end| {
                    let start = select[..end].rfind("value=\"").unwrap() + 7;
                    select[start..end].to_string()
                })
                .unwrap_or_default();
            (format!("map_{key}"), chosen)
        })
        .collect()
}

/// Posts the import's commit (the mapping the page shows, with `changes`) and waits until it is
/// done; the status it ended in.
pub async fn commit(app: &TestApp, at: &str, changes: &[(&str, &str)]) -> String {
    let mut mapping = shown_mapping(app, at).await;
    for (k, v) in changes {
        match mapping.iter_mut().find(|(key, _)| key == k) {
            Some(m) => m.1 = v.to_string(),
            None => mapping.push((k.to_string(), v.to_string())),
        }
    }
    let mut fields: Vec<(&str, &str)> = mapping
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    fields.push(("action", "commit"));
    let reply = app.send(at, &fields).await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    wait(app, at).await
}

/// Waits for a commit under way to end; its status.
pub async fn wait(app: &TestApp, at: &str) -> String {
    for _ in 0..600 {
        let reply = app
            .fetch(&format!("{at}/progress"))
            .await
            .is(200)
            .body
            .clone();
        let p: serde_json::Value = serde_json::from_str(&reply).unwrap();
        if !p["committing"].as_bool().unwrap() {
            return p["status"].as_str().unwrap().to_string();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the import at {at} did not finish");
}

const CUSTOMERS: &str = "\u{feff}Customer No;Full Name;Mobile;E-mail;Marketing;Reg No;Make;Model;Device;Serial\r\n\
C-1;Amina Njoroge;0722 444 555;amina@example.com;yes;KCB 123A;Toyota;Probox;;\r\n\
C-2;\"Otieno; J.\";0733 000 111;;no;;;;iPhone 11;F2LXK0HJ\r\n\
C-3;Wanjiru Kamau;;wanjiru@example.com;;;;;;\r\n";

#[tokio::test]
async fn a_file_of_customers_is_imported_once_and_the_same_file_again_adds_nothing() {
    let app = spawn_app().await;
    app.login_as(Role::Manager).await;
    let before = app.count("SELECT count(*) FROM customers").await;
    let at = uploaded(&app, "customers", CUSTOMERS).await;
    let page = app.get_html(&at).await;
    // the usual headers were mapped, and the preview shows the lines as they will be saved
    assert!(
        page.contains(r#"<option value="Mobile" selected>"#),
        "{page}"
    );
    assert!(page.contains("<strong>3</strong> new"), "{page}");
    assert!(page.contains("+254722444555"), "the number as kept: {page}");
    assert!(page.contains("KCB123A"), "{page}");
    assert_eq!(
        app.count("SELECT count(*) FROM customers").await,
        before,
        "a preview writes nothing"
    );

    let mapping = [
        ("map_device_model", "Device"),
        ("map_vehicle_model", "Model"),
    ];
    assert_eq!(commit(&app, &at, &mapping).await, "committed");
    assert_eq!(
        app.count("SELECT count(*) FROM customers").await,
        before + 3
    );
    assert_eq!(
        app.text("SELECT phone || ' ' || marketing_consent || ' ' || (marketing_consent_at IS NOT NULL) FROM customers WHERE external_ref = 'C-1'")
            .await,
        "+254722444555 true true"
    );
    assert_eq!(
        app.text("SELECT name FROM customers WHERE external_ref = 'C-2'")
            .await,
        "Otieno; J."
    );
    assert_eq!(
        app.text("SELECT plate || ' ' || make || ' ' || model FROM vehicles v JOIN customers c ON c.id = v.customer_id WHERE c.external_ref = 'C-1'").await,
        "KCB123A Toyota Probox"
    );
    assert_eq!(
        app.text("SELECT model || ' ' || serial FROM devices d JOIN customers c ON c.id = d.customer_id WHERE c.external_ref = 'C-2'").await,
        "iPhone 11 F2LXK0HJ"
    );
    assert_eq!(app.count("SELECT count(*) FROM vehicles").await, 1);
    assert_eq!(app.count("SELECT count(*) FROM devices").await, 1);
    assert_eq!(
        app.text("SELECT after::text FROM audit_log WHERE action = 'import.commit'")
            .await,
        format!(
            r#"{{"new": 3, "kind": "customers", "skipped": 0, "branch_id": {}, "opening_stock": 0}}"#,
            app.branch_id
        )
    );
    let done = app.get_html(&at).await;
    assert!(
        done.contains("<strong>3</strong> new customer records"),
        "{done}"
    );
    assert_eq!(
        app.text(&format!("SELECT body FROM imports WHERE id = {}", &at[9..]))
            .await,
        "",
        "the file is not kept"
    );

    // the same file again: every line was imported before
    let again = uploaded(&app, "customers", CUSTOMERS).await;
    let page = app.get_html(&again).await;
    assert!(
        page.contains("<strong>0</strong> new · <strong>3</strong> imported before (skipped)"),
        "{page}"
    );
    assert!(
        !page.contains("id=\"commit-button\""),
        "nothing to import: {page}"
    );
    assert_eq!(commit(&app, &again, &mapping).await, "committed");
    assert_eq!(
        app.count("SELECT count(*) FROM customers").await,
        before + 3,
        "nothing added"
    );
    assert_eq!(app.count("SELECT count(*) FROM vehicles").await, 1);
}

#[tokio::test]
async fn stock_opens_at_each_branch_named_and_once() {
    let app = spawn_app().await;
    let other = app.create_branch("Mombasa Road", "MR").await;
    app.login_as(Role::Admin).await;
    let here = app
        .text(&format!(
            "SELECT name FROM branches WHERE id = {}",
            app.branch_id
        ))
        .await;
    let vendors = uploaded(
        &app,
        "vendors",
        "Name,Phone,Email\nAcme Parts,0722 000 999,sales@acme.example\n",
    )
    .await;
    assert_eq!(commit(&app, &vendors, &[]).await, "committed");
    let file = format!(
        "Item Code,Description,Cost,Price,Qty,Supplier,Branch,Ref\n\
         BP-1,Brake pads,800,1200.50,4,Acme Parts,,S1\n\
         BP-1,Brake pads,800,1200.50,2,Mombasa Road,S1\n\
         OF-2,Oil filter,300,\"1,450\",0,,{here},S2\n"
    );
    // the second line is one cell short: its branch column holds the reference
    let at = uploaded(&app, "stock_items", &file).await;
    let page = app.get_html(&at).await;
    assert!(page.contains("“S1” is not one of your branches"), "{page}");
    let file = file.replace("2,Mombasa Road,S1", "2,,Mombasa Road,S1");
    let at = uploaded(&app, "stock_items", &file).await;
    let page = app.get_html(&at).await;
    assert!(
        page.contains("<strong>2</strong> new · <strong>2</strong> opening stock figures."),
        "{page}"
    );
    assert_eq!(
        commit(&app, &at, &[("map_external_ref", "Ref")]).await,
        "committed"
    );
    let levels = |b: i64| {
        format!(
            "SELECT l.on_hand FROM stock_levels l JOIN stock_items i ON i.id = l.stock_item_id WHERE i.sku = 'BP-1' AND l.branch_id = {b}"
        )
    };
    assert_eq!(app.text(&levels(app.branch_id)).await, "4");
    assert_eq!(app.text(&levels(other)).await, "2");
    assert_eq!(
        app.count("SELECT count(*) FROM stock_ledger WHERE kind = 'opening'")
            .await,
        2
    );
    assert_eq!(
        app.text("SELECT i.unit_price || ' ' || v.name FROM stock_items i JOIN vendors v ON v.id = i.preferred_vendor_id WHERE i.sku = 'BP-1'").await,
        "1200.50 Acme Parts"
    );
    assert_eq!(
        app.text("SELECT unit_price::text FROM stock_items WHERE sku = 'OF-2'")
            .await,
        "1450.00"
    );
    // again: nothing new, no second opening
    let again = uploaded(&app, "stock_items", &file).await;
    assert_eq!(
        commit(&app, &again, &[("map_external_ref", "Ref")]).await,
        "committed"
    );
    assert_eq!(app.count("SELECT count(*) FROM stock_items").await, 2);
    assert_eq!(
        app.count("SELECT count(*) FROM stock_ledger WHERE kind = 'opening'")
            .await,
        2
    );
    assert_eq!(app.text(&levels(app.branch_id)).await, "4");
}

#[tokio::test]
async fn models_and_services_are_imported_and_a_saved_name_is_a_clash() {
    let app = spawn_app().await;
    app.login_as(Role::Manager).await;
    let at = uploaded(&app, "product_models", "Category,Brand,Model,Price A,Price B,Warranty\nPhone,Apple,iPhone 12,45000,38000,180\nLaptop,Dell,Latitude 5490,30000,,\n").await;
    assert_eq!(commit(&app, &at, &[]).await, "committed");
    assert_eq!(
        app.text("SELECT price_grade_a || ' ' || price_grade_b || ' ' || warranty_days FROM product_models WHERE model = 'iPhone 12'").await,
        "45000.00 38000.00 180"
    );
    assert_eq!(
        app.text("SELECT warranty_days::text FROM product_models WHERE model = 'Latitude 5490'")
            .await,
        "90"
    );
    let at = uploaded(
        &app,
        "services",
        "Service,Category,Hours,Price\nFull service,Service,2.5,6500\n",
    )
    .await;
    assert_eq!(commit(&app, &at, &[]).await, "committed");
    assert_eq!(
        app.text("SELECT labour_hours || ' ' || price FROM services WHERE name = 'Full service'")
            .await,
        "2.50 6500.00"
    );
    // a name already saved, with no reference to say it is the same: a clash, nothing written
    let at = uploaded(
        &app,
        "services",
        "Service,Category,Hours,Price\nBrake bleed,Repair,1,900\nfull SERVICE,Service,2,6000\n",
    )
    .await;
    let page = app.get_html(&at).await;
    assert!(page.contains("“Full service” is already saved"), "{page}");
    assert_eq!(commit(&app, &at, &[]).await, "failed");
    assert_eq!(
        app.count("SELECT count(*) FROM services WHERE name = 'Brake bleed'")
            .await,
        0
    );
    let page = app.get_html(&at).await;
    assert!(
        page.contains("Nothing was imported: 1 line of the file has problems"),
        "{page}"
    );
}

#[tokio::test]
async fn the_mapping_chosen_is_offered_for_the_next_file() {
    let app = spawn_app().await;
    app.login_as(Role::Manager).await;
    let file = "Jina,Simu,Kumbukumbu\nAmina,0722444555,VIP\n";
    let at = uploaded(&app, "customers", file).await;
    let page = app.get_html(&at).await;
    assert!(
        page.contains("column for “Name”: every customer needs one."),
        "{page}"
    );
    let mapping = [
        ("map_name", "Jina"),
        ("map_phone", "Simu"),
        ("map_notes", "Kumbukumbu"),
        ("action", "preview"),
    ];
    app.submit(&at, &mapping).await;
    let next = uploaded(&app, "customers", file).await;
    let page = app.get_html(&next).await;
    assert!(page.contains(r#"<option value="Jina" selected>"#), "{page}");
    assert!(
        page.contains(r#"<option value="Kumbukumbu" selected>"#),
        "{page}"
    );
    assert!(page.contains("<strong>1</strong> new"), "{page}");
}

#[tokio::test]
async fn two_commits_of_one_file_at_once_import_it_once() {
    let app = spawn_app().await;
    app.login_as(Role::Manager).await;
    let at = uploaded(&app, "customers", CUSTOMERS).await;
    let fields = vec![("action", "commit".to_string())];
    let statuses = app
        .post_all(vec![(at.clone(), fields.clone()), (at.clone(), fields)])
        .await;
    assert_eq!(statuses, [303, 303]);
    assert_eq!(wait(&app, &at).await, "committed");
    assert_eq!(
        app.count("SELECT count(*) FROM customers WHERE external_ref IS NOT NULL")
            .await,
        3
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'import.commit'")
            .await,
        1
    );
}

#[tokio::test]
async fn only_managers_and_admins_import() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    assert_eq!(app.fetch("/imports").await.status, 403);
}
