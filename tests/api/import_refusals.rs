//! Imports refused: a file in another encoding, one over the size limit (refused before it is
//! read), missing required columns, and bad lines (duplicates inside the file and of saved
//! customers, a price of `abc`, negative stock), each named by line and column; a file with one
//! bad line imports nothing.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use workbay::domain::role::Role;

use crate::common::spawn_app;
use crate::imports::{commit, upload, uploaded};

#[tokio::test]
async fn a_file_not_in_utf8_is_refused_naming_the_line() {
    let app = spawn_app().await;
    app.login_as(Role::Manager).await;
    let latin1 = b"name,phone\nAmina,0722444555\nJos\xe9 Mwangi,0733111222\n".to_vec();
    let reply = upload(&app, "customers", "old.csv", latin1).await;
    reply.is(422);
    assert!(
        reply
            .body
            .contains("Line 3 has characters that are not UTF-8"),
        "{}",
        reply.body
    );
    assert!(
        reply
            .body
            .contains(r#"<option value="customers" selected>"#),
        "the choice is kept"
    );
    let unclosed = upload(
        &app,
        "customers",
        "old.csv",
        b"name,notes\nA,\"open\n".to_vec(),
    )
    .await;
    assert!(
        unclosed
            .body
            .contains("Line 2: a quoted cell is never closed"),
        "{}",
        unclosed.body
    );
    let nothing = upload(&app, "", "old.csv", Vec::new()).await;
    assert!(
        nothing.body.contains("Choose what the file holds."),
        "{}",
        nothing.body
    );
    assert!(
        nothing.body.contains("Choose the CSV file to import."),
        "{}",
        nothing.body
    );
    assert_eq!(app.count("SELECT count(*) FROM imports").await, 0);
}

#[tokio::test]
async fn an_upload_over_the_limit_is_refused_before_it_is_read() {
    let app = spawn_app().await;
    let user = app.create_user("mgr", "Manager", Role::Manager).await;
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let client = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    app.login_with(&client, &user.username, &user.password)
        .await;
    let token = app.csrf_token_with(&client, "/imports").await;
    let url: reqwest::Url = app.address.parse().unwrap();
    let cookie = reqwest::cookie::CookieStore::cookies(&*jar, &url).unwrap();
    // 200 MB announced; only the first bytes are ever sent
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", app.port))
        .await
        .unwrap();
    let head = format!(
        "POST /imports?csrf_token={token} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nCookie: {}\r\n\
         Content-Type: multipart/form-data; boundary=XYZ\r\nContent-Length: 209715200\r\n\r\n\
         --XYZ\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\ncustomers\r\n",
        app.port,
        cookie.to_str().unwrap()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 64 * 1024];
    let n = tokio::time::timeout(Duration::from_secs(20), stream.read(&mut answer))
        .await
        .expect("the server answers without waiting for the 200 MB")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert_eq!(app.count("SELECT count(*) FROM imports").await, 0);
}

#[tokio::test]
async fn every_bad_line_is_listed_with_its_column_and_nothing_is_written() {
    let app = spawn_app().await;
    app.login_as(Role::Manager).await;
    app.create_customer("Brian Otieno", "+254733000111", "")
        .await;
    let before = app.count("SELECT count(*) FROM customers").await;
    let at = uploaded(
        &app,
        "customers",
        "Ref,Name,Phone,Email\n\
         A1,Amina,0722444555,amina@example.com\n\
         A2,Brian O.,0733 000 111,\n\
         A3,Chen,0711222333,AMINA@example.com\n\
         A1,Dora,0700999888,\n\
         A5,Emeka,0744555666,\n",
    )
    .await;
    let page = app.get_html(&at).await;
    for expected in [
        "<td class=\"num\">3</td><td>Phone (“Phone”)</td><td>A saved customer has this phone: Brian Otieno",
        "<td class=\"num\">4</td><td>Email (“Email”)</td><td>“amina@example.com” is also on line 2.</td>",
        "<td class=\"num\">5</td><td>Reference in the old system (“Ref”)</td><td>“A1” is also on line 2.</td>",
    ] {
        assert!(page.contains(expected), "{expected} in {page}");
    }
    assert!(
        page.contains("<strong class=\"bad\">3</strong> bad lines"),
        "{page}"
    );
    assert!(
        !page.contains("id=\"commit-button\""),
        "no import while a line is bad"
    );
    // sent anyway: all or nothing
    assert_eq!(commit(&app, &at, &[]).await, "failed");
    assert_eq!(app.count("SELECT count(*) FROM customers").await, before);
    let page = app.get_html(&at).await;
    assert!(
        page.contains("Nothing was imported: 3 lines of the file have problems"),
        "{page}"
    );

    let stock = uploaded(
        &app,
        "stock_items",
        "sku;name;price;qty\nA-1;Pads;abc;4\nA-2;Filter;1200;-3\nA-3;Oil;950;1\n",
    )
    .await;
    let page = app.get_html(&stock).await;
    assert!(page.contains("<td class=\"num\">2</td><td>Price (“price”)</td><td>“abc”: Enter an amount such as 1200 or 1200.50.</td>"), "{page}");
    assert!(page.contains("<td class=\"num\">3</td><td>Opening stock (“qty”)</td><td>“-3”: Enter a whole number from 0 to 1000000.</td>"), "{page}");
    assert_eq!(commit(&app, &stock, &[]).await, "failed");
    assert_eq!(
        app.count("SELECT count(*) FROM stock_items").await,
        0,
        "not even the good line"
    );
    assert_eq!(app.count("SELECT count(*) FROM stock_ledger").await, 0);
}

#[tokio::test]
async fn a_file_without_a_required_column_cannot_be_committed() {
    let app = spawn_app().await;
    app.login_as(Role::Manager).await;
    let at = uploaded(&app, "stock_items", "sku,name\nA-1,Pads\n").await;
    let page = app.get_html(&at).await;
    assert!(
        page.contains("column for “Price”: every stock item needs one."),
        "{page}"
    );
    assert!(!page.contains("id=\"preview\""), "no preview without it");
    let reply = app
        .send(
            &at,
            &[
                ("map_sku", "sku"),
                ("map_name", "name"),
                ("action", "commit"),
            ],
        )
        .await;
    assert_eq!(reply.status, 303);
    assert_eq!(
        app.text(&format!(
            "SELECT status FROM imports WHERE id = {}",
            &at[9..]
        ))
        .await,
        "uploaded"
    );
    assert_eq!(app.count("SELECT count(*) FROM stock_items").await, 0);
}
