//! The counter at 1366×768: a ready job invoiced, paid by split tender and handed over; every
//! counter page fits the screen.

use workbay::domain::role::Role;
use workbay::domain::ticket::TicketStatus;

use crate::common::fixtures::ticket_at;
use crate::common::http::PASSWORD;
use crate::common::spawn_app;
use crate::driver::Browser;

#[tokio::test]
async fn a_ready_job_is_invoiced_paid_in_two_ways_and_handed_over_and_invoicing_it_again_opens_the_same_invoice()
 {
    let app = spawn_app().await;
    app.create_user("amina", "Amina Njeri", Role::Receptionist)
        .await;
    let customer = app
        .create_customer("Kamau Motors", "0711 222 333", "")
        .await;
    let branch = app.branch_id;
    let t = app
        .with_db(move |c| ticket_at(c, branch, customer, TicketStatus::Ready))
        .await;
    let ticket = format!("{}/tickets/{t}", app.address);

    let browser = Browser::start().await;
    let c = &browser.client;
    c.set_window_size(1366, 768).await.unwrap();
    c.goto(&format!("{}/login", app.address)).await.unwrap();
    browser.sign_in("amina", PASSWORD).await;
    browser.text_of("main h1").await;
    c.goto(&ticket).await.unwrap();
    browser.click("form[action$='/invoice'] button").await;
    let invoice = browser.wait_for_path(|p| p.starts_with("/invoices/")).await;
    browser
        .text_until("#invoice-lines", |t| t.contains("Replace DC jack"))
        .await;
    browser.click("form[action$='/issue'] button").await;
    browser
        .text_until("#invoice-status", |t| t.contains("Issued"))
        .await;
    // 1.5 h × 1200.00 = 1800.00: 1000 by mobile money, the rest in cash.
    browser
        .click("input[name=method][value=mobile_money]")
        .await;
    browser.replace("#f-amount", "1,000.00").await;
    browser.fill("#f-reference", "QK7H2M1X").await;
    browser.click("#payment button[type=submit]").await;
    browser
        .text_until("#invoice-status", |t| t.contains("Partially paid"))
        .await;
    browser.click("input[name=method][value=cash]").await;
    browser.replace("#f-amount", "800").await;
    browser.click("#payment button[type=submit]").await;
    browser
        .text_until("#invoice-status", |t| {
            t.contains("Paid") && !t.contains("Partially")
        })
        .await;

    // Back on the ticket: its invoice is named, opening it goes to the same invoice, and the
    // job is handed over and closed in one step.
    c.goto(&ticket).await.unwrap();
    let named = browser.text_of("#ticket-invoice").await;
    assert!(named.contains("Paid"), "{named}");
    browser.click("#ticket-invoice-link").await;
    let again = browser.wait_for_path(|p| p.starts_with("/invoices/")).await;
    assert_eq!(again, invoice, "the same invoice, not a second one");
    c.goto(&ticket).await.unwrap();
    browser.click("#hand-over button").await;
    browser
        .text_until("#ticket-status", |t| t.contains("Closed"))
        .await;
    browser.close().await;
    let closed = format!(
        "SELECT count(*) FROM tickets WHERE id = {t} AND status = 'closed' AND outcome = 'repaired'"
    );
    assert_eq!(app.count(&closed).await, 1);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM invoices WHERE ticket_id = {t}"
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn no_counter_page_scrolls_sideways_at_1366_by_768() {
    let app = spawn_app().await;
    app.create_user("amina", "Amina Njeri", Role::Receptionist)
        .await;
    let customer = app
        .create_customer("Kamau Motors", "0711 222 333", "")
        .await;
    let branch = app.branch_id;
    let t = app
        .with_db(move |c| ticket_at(c, branch, customer, TicketStatus::Ready))
        .await;
    let browser = Browser::start().await;
    let c = &browser.client;
    c.set_window_size(1366, 768).await.unwrap();
    c.goto(&format!("{}/login", app.address)).await.unwrap();
    browser.sign_in("amina", PASSWORD).await;
    browser.text_of("main h1").await;
    let mut wide = Vec::new();
    for path in [
        "/".to_string(),
        "/customers".into(),
        "/customers/new".into(),
        format!("/customers/{customer}"),
        "/calendar".into(),
        "/bookings/new".into(),
        format!("/bookings/new?customer_id={customer}"),
        "/tickets".into(),
        "/tickets/all".into(),
        format!("/tickets/{t}"),
        "/invoices".into(),
        "/invoices/new".into(),
        "/invoices/cash-up".into(),
        "/preorders".into(),
        "/warranties".into(),
        "/dashboards/sales".into(),
    ] {
        c.goto(&format!("{}{path}", app.address)).await.unwrap();
        browser.text_of("main").await;
        if !browser.fits_width().await {
            wide.push(path);
        }
    }
    browser.close().await;
    assert!(
        wide.is_empty(),
        "these pages scroll sideways at 1366×768: {wide:?}"
    );
}

#[tokio::test]
async fn slash_focuses_the_search_box_and_a_plate_typed_there_opens_its_owner() {
    let app = spawn_app().await;
    app.create_user("amina", "Amina Njeri", Role::Receptionist)
        .await;
    let customer = app.create_customer("Wanjiru Kamau", "", "").await;
    app.exec(&format!(
        "INSERT INTO vehicles (customer_id, plate, make, model) VALUES ({customer}, 'KDA123B', 'Toyota', 'Corolla')"
    ))
    .await;
    let browser = Browser::start().await;
    let c = &browser.client;
    c.set_window_size(1366, 768).await.unwrap();
    c.goto(&format!("{}/login", app.address)).await.unwrap();
    browser.sign_in("amina", PASSWORD).await;
    browser.text_of("main h1").await;
    let body = c.find(fantoccini::Locator::Css("body")).await.unwrap();
    body.send_keys("/").await.unwrap();
    let focused = c
        .execute("return document.activeElement.id", vec![])
        .await
        .unwrap();
    assert_eq!(focused.as_str(), Some("global-q"));
    let typed = format!("kda 123b{}", fantoccini::key::Key::Enter);
    c.active_element()
        .await
        .unwrap()
        .send_keys(&typed)
        .await
        .unwrap();
    browser
        .wait_for_path(|p| p == format!("/customers/{customer}"))
        .await;
    assert_eq!(browser.text_of("main h1").await, "Wanjiru Kamau");
    browser.close().await;
}

#[tokio::test]
async fn the_navigation_is_one_row_at_1366_for_every_role_and_a_menu_on_a_tablet() {
    let app = spawn_app().await;
    let roles = [
        Role::Receptionist,
        Role::Technician,
        Role::Warehouse,
        Role::Finance,
        Role::Manager,
        Role::Admin,
    ];
    for role in roles {
        app.create_user(
            &format!("{}1", role.as_str()),
            "Someone With A Long Name",
            role,
        )
        .await;
    }
    let browser = Browser::start().await;
    let c = &browser.client;
    // Every entry of the bar sits on the same line as the first (a second line would be a whole
    // entry's height, 44 px, lower).
    let one_row = "const items = [...document.querySelectorAll('.mainnav > a, .mainnav > .more')]; \
                   return items.length > 0 && items.every(i => Math.abs(i.getBoundingClientRect().top - items[0].getBoundingClientRect().top) < 20) \
                   && document.querySelector('.topbar').offsetHeight < 80";
    for role in roles {
        c.set_window_size(1366, 768).await.unwrap();
        c.delete_all_cookies().await.unwrap();
        c.goto(&format!("{}/login", app.address)).await.unwrap();
        browser
            .sign_in(&format!("{}1", role.as_str()), PASSWORD)
            .await;
        browser.text_of("main h1").await;
        let fits = c.execute(one_row, vec![]).await.unwrap();
        let shape = "return document.querySelector('.topbar').offsetHeight + ' ' + [...document.querySelectorAll('.mainnav > a, .mainnav > .more')].map(e => Math.round(e.getBoundingClientRect().top)).join(' ')";
        let shape = c.execute(shape, vec![]).await.unwrap();
        assert_eq!(
            fits.as_bool(),
            Some(true),
            "{role}: the navigation wraps at 1366 px: {shape}"
        );
    }
    // Below 1100 px the bar folds into a Menu button that opens it.
    c.set_window_size(1024, 768).await.unwrap();
    c.refresh().await.unwrap();
    let folded = c
        .execute(
            "return !document.querySelector('details.navmenu').open",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(folded.as_bool(), Some(true));
    browser.click("details.navmenu > summary").await;
    let shown = c
        .execute(
            "return document.querySelector('.mainnav a').offsetParent !== null",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(shown.as_bool(), Some(true));
    browser.close().await;
}

/// A customer walks in with their laptop: it is chosen on the walk-in form, the customer signs
/// on the screen, and the job sheet (A4) and claim tag (80 mm) print with the signature.
#[tokio::test]
async fn a_laptop_walks_in_is_signed_for_and_its_job_sheet_prints() {
    use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
    let app = spawn_app().await;
    app.create_user("amina", "Amina Njeri", Role::Receptionist)
        .await;
    let customer = app
        .create_customer("Achieng Otieno", "0733 100 200", "")
        .await;
    app.with_db(move |c| {
        let laptop = ["Laptop", "Dell", "XPS 13", "DX13-778"];
        workbay::repo::customers::add_device(c, customer, laptop, &Default::default()).unwrap();
    })
    .await;
    let browser = Browser::signed_in(&app.address, "amina", (1366, 768)).await;
    let c = &browser.client;
    c.goto(&format!("{}/customers/{customer}", app.address))
        .await
        .unwrap();
    let chosen = browser.text_of("#f-walkin_subject option:checked").await;
    assert!(
        chosen.contains("XPS 13"),
        "their laptop comes chosen: {chosen}"
    );
    browser.fill("#f-walkin_problem", "Does not charge").await;
    browser.fill("#f-accessories", "Charger").await;
    browser.fill("#f-deposit_amount", "1000").await;

    // The customer signs with the mouse: three strokes' worth of one line.
    let pad = c
        .find(fantoccini::Locator::Css("#signature-pad"))
        .await
        .unwrap();
    pad.clone().click().await.ok();
    let sign = MouseActions::new("customer".into())
        .then(PointerAction::MoveToElement {
            element: pad,
            duration: None,
            x: -150.0,
            y: 10.0,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::MoveBy {
            duration: None,
            x: 60.0,
            y: -25.0,
        })
        .then(PointerAction::MoveBy {
            duration: None,
            x: 70.0,
            y: 30.0,
        })
        .then(PointerAction::MoveBy {
            duration: None,
            x: 80.0,
            y: -20.0,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    c.perform_actions(sign).await.unwrap();
    let signed = browser.value_of("input[name=signature]").await;
    assert!(signed.starts_with("data:image/png;base64,"), "{signed}");

    browser
        .click("form[action$='/walk-in'] button[type=submit]")
        .await;
    browser.wait_for_path(|p| p.starts_with("/tickets/")).await;
    let subject = browser.text_of("main .facts").await;
    assert!(subject.contains("XPS 13"), "{subject}");
    browser.text_of("#signature-img").await;
    browser.click("#print-job-sheet").await;
    browser.wait_for_path(|p| p.ends_with("/job-sheet")).await;
    browser.text_of("#print-signature").await;
    let drawn = c
        .execute(
            "return document.querySelector('#print-signature').naturalWidth",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(drawn.as_u64(), Some(600), "the signature prints as drawn");
    let (w, h) = browser.printed_page_mm().await;
    assert!(
        (w - 210.0).abs() < 1.0 && (h - 297.0).abs() < 1.0,
        "A4: {w} × {h} mm"
    );
    let tag = c
        .current_url()
        .await
        .unwrap()
        .as_str()
        .replace("job-sheet", "claim-tag");
    c.goto(&tag).await.unwrap();
    browser.text_of("#ticket-barcode").await;
    let (w, _) = browser.printed_page_mm().await;
    assert!((w - 80.0).abs() < 1.0, "the claim tag is 80 mm wide: {w}");
    browser.close().await;
}

/// The customer opens the estimate on their phone: it fits 390 px without scrolling sideways, it
/// shows the total with tax, approving takes one tap, and the invoice then carries that total.
#[tokio::test]
async fn the_estimate_fits_a_phone_and_is_approved_in_one_tap() {
    let app = spawn_app().await;
    app.create_user("amina", "Amina Njeri", Role::Receptionist)
        .await;
    let customer = app
        .create_customer("Kamau Motors", "0711 222 333", "")
        .await;
    let branch = app.branch_id;
    app.exec(&format!(
        "UPDATE branches SET tax_rate = 16, currency = 'KES' WHERE id = {branch}"
    ))
    .await;
    let t = app
        .with_db(move |c| ticket_at(c, branch, customer, TicketStatus::Diagnosing))
        .await;
    let browser = Browser::signed_in(&app.address, "amina", (1366, 768)).await;
    let c = &browser.client;
    c.goto(&format!("{}/tickets/{t}", app.address))
        .await
        .unwrap();
    browser.click("form[action$='/estimate'] button").await;
    browser.text_of("#approval-link").await;
    let link = browser.value_of("#approval-link").await;
    c.delete_all_cookies().await.unwrap();
    c.set_window_size(390, 844).await.unwrap();
    c.goto(&link).await.unwrap();
    let total = browser.text_of("#estimate-total").await;
    // 1.5 h × 1,200.00 and 16% tax.
    assert_eq!(total, "KES 2,088.00");
    assert!(
        browser.fits_width().await,
        "the estimate scrolls sideways at 390 px"
    );
    browser.click("button[value=approve]").await;
    browser.text_of("#approve-message").await;
    browser.close().await;
    let approved = format!("SELECT count(*) FROM tickets WHERE id = {t} AND status = 'in_repair'");
    assert_eq!(app.count(&approved).await, 1);
    app.login_as(Role::Receptionist).await;
    let invoice = app.submit(&format!("/tickets/{t}/invoice"), &[]).await;
    let issue = [("submission_id", crate::common::http::sid())];
    let issue: Vec<(&str, &str)> = issue.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.submit(&format!("{invoice}/issue"), &issue).await;
    let id = invoice.trim_start_matches("/invoices/");
    let carried = format!("SELECT count(*) FROM invoices WHERE id = {id} AND total = 2088.00");
    assert_eq!(
        app.count(&carried).await,
        1,
        "the invoice carries what was approved"
    );
}
