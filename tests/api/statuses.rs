//! One status vocabulary (issue 33, defect 4): a status reads the same on every page, in one
//! badge style by its tone.

use workbay::domain::role::Role;
use workbay::domain::ticket::TicketStatus;

use crate::common::fixtures::ticket_at;
use crate::common::spawn_app;

#[tokio::test]
async fn a_status_reads_the_same_on_every_page_that_shows_it() {
    let app = spawn_app().await;
    let customer = app
        .create_customer("Otieno Garage Ltd", "0711 222 333", "")
        .await;
    let b = app.branch_id;
    let t = app
        .with_db(move |c| ticket_at(c, b, customer, TicketStatus::WaitingForParts))
        .await;
    app.login_as(Role::Manager).await;
    for path in [
        "/".to_string(),
        "/tickets".into(),
        "/tickets/all".into(),
        format!("/tickets/{t}"),
        format!("/floor/{t}"),
        format!("/customers/{customer}"),
    ] {
        let page = app.get_html(&path).await;
        assert!(page.contains("Waiting for parts"), "{path}: {page}");
        for other in [
            "Waiting For Parts",
            ">waiting_for_parts<",
            ">waiting for parts<",
        ] {
            assert!(!page.contains(other), "{path} shows {other}");
        }
    }
    let ticket = app.get_html(&format!("/tickets/{t}")).await;
    assert!(
        ticket.contains("class=\"badge tone-waiting\" id=\"ticket-status\">Waiting for parts<"),
        "{ticket}"
    );
}
