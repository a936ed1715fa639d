//! The ticket board fits (issue 33, defect 3): at 1366×768 and 1024×768 every column is on the
//! screen, measured by the columns' boxes, and each card names the plate and the promised day.

use workbay::domain::role::Role;
use workbay::domain::ticket::TicketStatus;

use crate::common::fixtures::ticket_at;
use crate::common::spawn_app;
use crate::driver::Browser;

#[tokio::test]
async fn every_column_of_the_board_fits_at_1366_and_1024_and_cards_name_plate_and_promised_day() {
    let app = spawn_app().await;
    app.create_user("maria", "Maria Wambui", Role::Manager)
        .await;
    let customer = app
        .create_customer("Otieno Garage Ltd", "0711 222 333", "")
        .await;
    let branch = app.branch_id;
    app.with_db(move |c| {
        use workbay::domain::ticket::TicketStatus::*;
        let car = workbay::domain::customer::VehicleInput {
            vin: None,
            plate: "KDC777X".into(),
            make: "Isuzu".into(),
            model: "D-Max".into(),
            year: None,
            mileage: None,
        };
        let vehicle = workbay::repo::customers::add_vehicle(c, customer, &car, &Default::default())
            .unwrap()
            .id;
        for status in [Open, Diagnosing, AwaitingApproval, InRepair, WaitingForParts, QualityCheck, Ready] {
            let t = ticket_at(c, branch, customer, status);
            diesel::connection::SimpleConnection::batch_execute(
                c,
                &format!("UPDATE tickets SET vehicle_id = {vehicle}, promised_on = '2099-03-02' WHERE id = {t}"),
            )
            .unwrap();
        }
    })
    .await;
    let browser = Browser::signed_in(&app.address, "maria", (1366, 768)).await;
    let c = &browser.client;
    for width in [1366u32, 1024] {
        c.set_window_size(width, 768).await.unwrap();
        c.goto(&format!("{}/tickets", app.address)).await.unwrap();
        browser.text_of("#board").await;
        let boxes = c
            .execute(
                "return [...document.querySelectorAll('#board .column')].map(function (col) { \
                   var r = col.getBoundingClientRect(); \
                   return [col.dataset.status, r.left, r.right, window.innerWidth]; })",
                vec![],
            )
            .await
            .unwrap();
        let boxes = boxes.as_array().unwrap();
        assert_eq!(boxes.len(), TicketStatus::BOARD.len());
        for b in boxes {
            let (left, right, inner) = (
                b[1].as_f64().unwrap(),
                b[2].as_f64().unwrap(),
                b[3].as_f64().unwrap(),
            );
            assert!(
                left >= 0.0 && right <= inner,
                "at {width}: column {} spans {left}–{right} of {inner}",
                b[0]
            );
        }
        let cards = browser.text_of("#board").await;
        assert_eq!(cards.matches("KDC777X").count(), 7, "at {width}: {cards}");
        assert_eq!(
            cards.matches("due Mon 2 Mar").count(),
            7,
            "at {width}: {cards}"
        );
    }
    browser.close().await;
}
