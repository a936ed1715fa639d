//! Correcting master records after they were saved: every kind through the one edit form, with
//! its audit row; a form opened before someone else's save refused with what they changed;
//! consent withdrawn with its date; a retired bay; who may edit what.

use workbay::domain::role::Role;

use crate::bookings::{DAY, book, shop};
use crate::common::fixtures::{product_model, stock_item, vendor};
use crate::common::http::{TestApp, between};
use crate::common::spawn_app;

/// The form's hidden fields (version and what each field held when it was opened) and its
/// values, as a browser would send them, with `changes` typed over them.
pub(crate) async fn edit(
    app: &TestApp,
    path: &str,
    changes: &[(&str, &str)],
) -> crate::common::Reply {
    let form = app.get_html(path).await;
    let mut fields: Vec<(String, String)> = Vec::new();
    for input in form.split("<input ").skip(1) {
        let attr = |name: &str| {
            input
                .split(&format!(" {name}=\""))
                .nth(1)
                .map(|rest| rest.split('"').next().unwrap().to_string())
        };
        let (Some(name), value) = (attr("name"), attr("value")) else {
            continue;
        };
        if name == "csrf_token" {
            continue;
        }
        if input.contains("type=\"checkbox\"") {
            if input.contains(" checked") {
                fields.push((name, "on".into()));
            }
            continue;
        }
        fields.push((name, value.unwrap_or_default()));
    }
    for select in form.split("<select id=\"f-").skip(1) {
        let name = select
            .split("name=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let chosen = select
            .split("</select>")
            .next()
            .unwrap()
            .split("<option value=\"")
            .skip(1)
            .find(|o| o.contains("\" selected>"))
            .map_or("", |o| o.split('"').next().unwrap());
        fields.push((name.to_string(), chosen.to_string()));
    }
    for area in form.split("<textarea id=\"f-").skip(1) {
        let name = area
            .split("name=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let text = area
            .split('>')
            .nth(1)
            .unwrap()
            .split("</textarea")
            .next()
            .unwrap();
        fields.push((name.to_string(), text.to_string()));
    }
    for (k, v) in changes {
        fields.retain(|(name, _)| name != k);
        if !v.is_empty() || !k.starts_with("active") && *k != "marketing_consent" {
            fields.push((k.to_string(), v.to_string()));
        }
    }
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    app.send(path, &fields).await
}

async fn audit(app: &TestApp, action: &str, id: i64) -> String {
    app.text(&format!(
        "SELECT coalesce(string_agg(coalesce(before::text, '-') || ' => ' || after::text, ' | '), '') \
         FROM audit_log WHERE action = '{action}' AND entity_id = '{id}'"
    ))
    .await
}

#[tokio::test]
async fn the_counter_corrects_a_customer_their_vehicle_device_and_contact() {
    let app = spawn_app().await;
    let s = shop(&app).await;
    app.login_as(Role::Receptionist).await;
    let c = s.customer;
    let path = format!("/records/customer/{c}");
    // A phone typo, and consent withdrawn.
    app.exec(&format!("UPDATE customers SET marketing_consent = true, marketing_consent_at = '2026-01-05' WHERE id = {c}")).await;
    let to = edit(
        &app,
        &path,
        &[("phone", "0722 000 111"), ("marketing_consent", "")],
    )
    .await;
    to.is(303);
    assert_eq!(to.location, format!("/customers/{c}"));
    let row = app
        .text(&format!("SELECT phone || ' ' || marketing_consent || ' ' || (marketing_consent_at > now() - interval '1 minute') || ' ' || version FROM customers WHERE id = {c}"))
        .await;
    assert_eq!(
        row, "+254722000111 false true 2",
        "kept in E.164, consent withdrawn today"
    );
    let page = app.get_html(&format!("/customers/{c}")).await;
    assert!(page.contains("Saved the customer Wanjiru Kamau."));
    assert!(
        between(&page, "<dd id=\"consent\">", "</dd>")
            .starts_with("service messages only (withdrawn on ")
    );
    // The audit row names what changed, not the personal data.
    let a = audit(&app, "customer.edit", c).await;
    assert_eq!(a, "- => {\"changed\": [\"phone\", \"marketing_consent\"]}");
    assert!(!a.contains("722000111"));

    // Bad input keeps what was typed, with the message beside the field.
    let bad = edit(
        &app,
        &path,
        &[("email", "not-an-email"), ("name", "Wanjiru K.")],
    )
    .await;
    bad.is(422)
        .says("Enter an email address such as name@example.com.")
        .says("value=\"Wanjiru K.\"")
        .says("value=\"not-an-email\"");
    let bad = edit(&app, &path, &[("phone", ""), ("email", "")]).await;
    bad.is(422)
        .says("Enter a phone number or an email address so we can reach them.");

    let v = s.vehicle;
    edit(
        &app,
        &format!("/records/vehicle/{v}"),
        &[("plate", "kdb 456c"), ("mileage", "81,250")],
    )
    .await
    .is(303);
    assert_eq!(
        app.text(&format!(
            "SELECT plate || ' ' || mileage FROM vehicles WHERE id = {v}"
        ))
        .await,
        "KDB456C 81250"
    );
    assert_eq!(
        audit(&app, "vehicle.edit", v).await,
        "- => {\"changed\": [\"plate\", \"mileage\"]}"
    );
    let d = app
        .with_db(move |conn| {
            let by = workbay::repo::By::default();
            workbay::repo::customers::add_device(conn, c, ["Phone", "Samsung", "A52", "R58"], &by)
                .unwrap()
                .id
        })
        .await;
    edit(
        &app,
        &format!("/records/device/{d}"),
        &[("serial", "R58N12345")],
    )
    .await
    .is(303);
    assert_eq!(
        app.text(&format!("SELECT serial FROM devices WHERE id = {d}"))
            .await,
        "R58N12345"
    );
    app.exec(&format!("INSERT INTO customer_contacts (customer_id, name, position, phone, email) VALUES ({c}, 'Otieno', 'Fleet', '', 'o@example.com')")).await;
    let k = app.count("SELECT max(id) FROM customer_contacts").await;
    edit(
        &app,
        &format!("/records/contact/{k}"),
        &[("position", "Fleet manager")],
    )
    .await
    .is(303);
    assert_eq!(
        app.text(&format!(
            "SELECT position || ' ' || version FROM customer_contacts WHERE id = {k}"
        ))
        .await,
        "Fleet manager 2"
    );

    // The catalogue is for managers.
    assert_eq!(
        app.get(&format!("/records/service/{}", s.service))
            .await
            .status()
            .as_u16(),
        403
    );
}

#[tokio::test]
async fn a_form_opened_before_someone_else_saved_is_refused_with_what_they_changed() {
    let app = spawn_app().await;
    let item = app
        .with_db(|c| stock_item(c, "FLT-1", "Oil filter", "4.00", "9.00", 2))
        .await;
    app.login_as(Role::Manager).await;
    let path = format!("/records/stock_item/{item}");
    let form = app.get_html(&path).await;
    assert!(form.contains("name=\"version\" value=\"1\""));
    // Someone else raises the price meanwhile.
    let other = app
        .create_user("boss2", "Other Manager", Role::Manager)
        .await;
    let theirs = app.client_as(&other).await;
    let fields = |price: &'static str, version: &'static str| {
        vec![
            ("version", version),
            ("was__sku", "FLT-1"),
            ("was__name", "Oil filter"),
            ("was__category", ""),
            ("was__unit_cost", "4.00"),
            ("was__unit_price", "9.00"),
            ("was__reorder_threshold", "2"),
            ("was__preferred_vendor_id", ""),
            ("was__active", "true"),
            ("sku", "FLT-1"),
            ("name", "Oil filter"),
            ("category", ""),
            ("unit_cost", "4.00"),
            ("unit_price", price),
            ("reorder_threshold", "2"),
            ("preferred_vendor_id", ""),
            ("active", "on"),
        ]
    };
    app.send_with(&theirs, &path, &fields("10.50", "1"))
        .await
        .is(303);
    // Mine, from the form opened at version 1, is refused and names their change.
    let mine = app.send(&path, &fields("11.00", "1")).await;
    mine.is(409)
        .says("Someone else saved this stock item after you opened it: Price is now “10.50”.")
        .says("value=\"11.00\"")
        .says("name=\"version\" value=\"2\"");
    assert_eq!(
        app.text(&format!(
            "SELECT unit_price::text FROM stock_items WHERE id = {item}"
        ))
        .await,
        "10.50"
    );
    // Sent again from the form shown (version 2), it is saved on purpose.
    app.send(&path, &fields("11.00", "2")).await.is(303);
    assert_eq!(
        app.text(&format!(
            "SELECT unit_price::text || ' ' || version FROM stock_items WHERE id = {item}"
        ))
        .await,
        "11.00 3"
    );
    assert_eq!(
        audit(&app, "stock_item.edit", item).await,
        "{\"unit_price\": \"9.00\"} => {\"unit_price\": \"10.50\"} | {\"unit_price\": \"10.50\"} => {\"unit_price\": \"11.00\"}"
    );
    // Nothing changed: nothing written.
    app.send(&path, &fields("11.00", "3")).await.is(303);
    assert_eq!(
        app.count(&format!(
            "SELECT version::int8 FROM stock_items WHERE id = {item}"
        ))
        .await,
        3
    );
}

#[tokio::test]
async fn managers_correct_the_catalogue_and_retire_a_bay_that_then_takes_no_new_bookings() {
    let app = spawn_app().await;
    let s = shop(&app).await;
    let (model, v) = app
        .with_db(|c| {
            (
                product_model(c, "Phone", "Apple", "iPhone 12", 90),
                vendor(c, "Refurb Ltd"),
            )
        })
        .await;
    app.login_as(Role::Manager).await;
    let old_booking = book(&app, &s, "09:00", "10:00").await;
    // A price rise: issued invoices keep theirs (their lines are frozen); the catalogue changes.
    edit(
        &app,
        &format!("/records/service/{}", s.service),
        &[("price", "2,750"), ("labour_hours", "1.25")],
    )
    .await
    .is(303);
    assert_eq!(
        app.text(&format!(
            "SELECT price::text || ' ' || labour_hours::text FROM services WHERE id = {}",
            s.service
        ))
        .await,
        "2750.00 1.25"
    );
    edit(
        &app,
        &format!("/records/product_model/{model}"),
        &[("price_grade_a", "52000"), ("warranty_days", "180")],
    )
    .await
    .is(303);
    assert_eq!(
        app.text(&format!("SELECT price_grade_a::text || ' ' || warranty_days FROM product_models WHERE id = {model}")).await,
        "52000.00 180"
    );
    edit(
        &app,
        &format!("/records/vendor/{v}"),
        &[("email", "Sales@Refurb.example")],
    )
    .await
    .is(303);
    assert_eq!(
        app.text(&format!("SELECT email FROM vendors WHERE id = {v}"))
            .await,
        "sales@refurb.example"
    );
    let bad = edit(
        &app,
        &format!("/records/product_model/{model}"),
        &[("price_grade_b", "abc")],
    )
    .await;
    bad.is(422)
        .says("Enter an amount such as 1200 or 1200.50.")
        .says("value=\"abc\"");

    // Retire the bay: its booking stays, a new one is refused.
    let bay = format!("/records/bay/{}", s.bay);
    edit(
        &app,
        &bay,
        &[("active", ""), ("categories", "Maintenance, Tyres")],
    )
    .await
    .is(303);
    assert_eq!(
        app.text(&format!(
            "SELECT active || ' ' || array_to_string(categories, '|') FROM bays WHERE id = {}",
            s.bay
        ))
        .await,
        "false Maintenance|Tyres"
    );
    let catalogue = app.get_html("/admin/catalogue").await;
    assert!(
        catalogue.contains("Lift 1 <span class=\"badge tone-ended\">Retired</span>"),
        "{catalogue}"
    );
    let booking = app.get_html(&format!("/bookings/{old_booking}")).await;
    assert!(booking.contains("Lift 1"), "the old booking keeps its bay");
    let form = [
        ("customer_id", s.customer.to_string()),
        ("vehicle_id", s.vehicle.to_string()),
        ("bay_id", s.bay.to_string()),
        ("date", DAY.to_string()),
        ("start", "11:00".to_string()),
        ("end", "12:00".to_string()),
        (format!("service_{}", s.service).leak(), "on".to_string()),
    ];
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = app.send("/bookings/new", &fields).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert_eq!(app.count("SELECT count(*) FROM bookings").await, 1);

    // A location of the branch, and its audit row with the values (not personal data).
    app.exec(&format!(
        "INSERT INTO locations (branch_id, name) VALUES ({}, 'Shelf A')",
        app.branch_id
    ))
    .await;
    let loc = app.count("SELECT max(id) FROM locations").await;
    edit(
        &app,
        &format!("/records/location/{loc}"),
        &[("name", "Shelf A1")],
    )
    .await
    .is(303);
    assert_eq!(
        audit(&app, "location.edit", loc).await,
        "{\"name\": \"Shelf A\"} => {\"name\": \"Shelf A1\"}"
    );

    // Another branch's bay is not there for this manager.
    let north = app.create_branch("North", "N").await;
    let theirs = app
        .with_db(move |c| {
            workbay::repo::catalogue::create_bay(
                c,
                north,
                "North lift",
                &[],
                &workbay::repo::By::default(),
            )
            .unwrap()
            .id
        })
        .await;
    assert_eq!(
        app.get(&format!("/records/bay/{theirs}"))
            .await
            .status()
            .as_u16(),
        404
    );
    assert_eq!(app.get("/records/nothing/1").await.status().as_u16(), 404);
}
