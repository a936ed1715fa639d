use super::*;
use crate::domain::import::kinds::kind;
use crate::domain::import::read::parse;

fn run(kind_name: &str, text: &str) -> (Vec<Checked>, Vec<Problem>) {
    let k = kind(kind_name).unwrap();
    let sheet = parse(text, crate::domain::import::read::sniff(text)).unwrap();
    let mapping = guess(k, &sheet.headers, &Mapping::new());
    let cols = columns(k, &sheet.headers, &mapping).unwrap();
    check(k, &sheet, &cols, "KE")
}

#[test]
fn the_usual_headers_are_guessed_and_the_remembered_mapping_comes_first() {
    let k = kind("customers").unwrap();
    let headers: Vec<String> = [
        "Customer ID",
        "Full Name",
        "Mobile",
        "E-mail",
        "Reg No",
        "Notes",
    ]
    .map(String::from)
    .to_vec();
    let m = guess(k, &headers, &Mapping::new());
    assert_eq!(m["external_ref"], "Customer ID");
    assert_eq!(m["name"], "Full Name");
    assert_eq!(m["phone"], "Mobile");
    assert_eq!(m["email"], "E-mail");
    assert_eq!(m["plate"], "Reg No");
    assert_eq!(m["notes"], "Notes");
    let remembered = Mapping::from([("notes".to_string(), "Reg No".to_string())]);
    let m = guess(k, &headers, &remembered);
    assert_eq!(m["notes"], "Reg No");
    assert!(!m.contains_key("plate"), "a header fills one field at most");
}

#[test]
fn a_required_field_without_a_column_is_named() {
    let k = kind("stock_items").unwrap();
    let headers = vec!["sku".to_string(), "name".to_string()];
    let missing = columns(k, &headers, &guess(k, &headers, &Mapping::new())).unwrap_err();
    assert_eq!(
        missing,
        ["Choose the file's column for “Price”: every stock item needs one."]
    );
}

#[test]
fn values_are_kept_the_way_the_edit_form_keeps_them() {
    let (ok, bad) = run(
        "customers",
        "id,name,phone,email,consent,kind,plate,make\n\
         C1,Amina Njoroge,0722 444 555,AMINA@Example.com,yes,Business,kcb 123a,Toyota\n",
    );
    assert!(bad.is_empty(), "{bad:?}");
    let k = kind("customers").unwrap();
    let row = &ok[0];
    assert_eq!(row.get(k.at("phone")), "+254722444555");
    assert_eq!(row.get(k.at("email")), "amina@example.com");
    assert_eq!(row.get(k.at("marketing_consent")), "true");
    assert_eq!(row.get(k.at("kind")), "business");
    assert_eq!(row.get(k.at("segment")), "retail", "the default");
    assert_eq!(row.get(k.at("plate")), "KCB123A");
}

#[test]
fn every_bad_cell_is_named_by_line_and_column() {
    let (ok, bad) = run(
        "stock_items",
        "sku,name,price,qty,supplier\n\
         A-1,Brake pads,abc,4,\n\
         A-2,Filter,1200,-3,\n\
         A-3,Oil,950.5,2,Acme\n\
         A-1,Pads again,10,1,\n",
    );
    assert_eq!(ok.len(), 1, "only the good line passes");
    assert_eq!(ok[0].line, 4);
    assert_eq!(
        ok[0].get(kind("stock_items").unwrap().at("unit_price")),
        "950.50"
    );
    let shown: Vec<String> = bad
        .iter()
        .map(|p| format!("{} | {} | {}", p.line, p.column, p.message))
        .collect();
    assert_eq!(
        shown,
        [
            "2 | Price (“price”) | “abc”: Enter an amount such as 1200 or 1200.50.",
            "3 | Opening stock (“qty”) | “-3”: Enter a whole number from 0 to 1000000.",
            "5 | SKU (“sku”) | “A-1” is also on line 2.",
        ]
    );
}

#[test]
fn the_same_item_may_open_at_two_branches_but_not_twice_at_one() {
    let (ok, bad) = run(
        "stock_items",
        "sku,name,price,qty,branch\nA-1,Pads,10,4,Westlands\na-1,Pads,10,2,Mombasa Road\nA-1,Pads,10,2,westlands\n",
    );
    assert_eq!(ok.len(), 2);
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0].line, 4);
}

#[test]
fn customers_need_a_way_to_reach_them_and_a_vehicle_its_plate() {
    let (_, bad) = run(
        "customers",
        "name,phone,email,make\nNo Contact,,,\nCar Only,0722000111,,Toyota\nSame Phone,+254 722 000 111,,\n",
    );
    let shown: Vec<(usize, &str)> = bad.iter().map(|p| (p.line, p.message.as_str())).collect();
    assert_eq!(
        shown,
        [
            (2, "Give a phone number or an email address."),
            (3, "A vehicle needs its plate or its VIN."),
            (4, "“+254722000111” is also on line 3."),
        ]
    );
}

#[test]
fn semicolon_files_take_decimal_commas_and_long_lines_are_refused() {
    let (ok, bad) = run(
        "services",
        "name;category;hours;price\nOil change;Service;0,5;1.200,50\nBrakes;Repair;1;300;extra\n",
    );
    let k = kind("services").unwrap();
    assert_eq!(ok[0].get(k.at("price")), "1200.50");
    assert_eq!(ok[0].get(k.at("labour_hours")), "0.50");
    assert_eq!(bad[0].line, 3);
    assert!(
        bad[0]
            .message
            .starts_with("The line has 5 cells but the header has 4")
    );
}

#[test]
fn a_flag_that_is_neither_yes_nor_no_is_refused() {
    let (_, bad) = run("customers", "name,phone,consent\nA,0722000111,maybe\n");
    assert_eq!(bad[0].message, "“maybe” is not yes or no.");
}

#[test]
fn an_exported_files_formula_guard_is_taken_off() {
    let (ok, bad) = run(
        "customers",
        "name,phone,notes\nAmina,'+254722444555,'quoted'\n",
    );
    assert!(bad.is_empty(), "{bad:?}");
    let k = kind("customers").unwrap();
    assert_eq!(ok[0].get(k.at("phone")), "+254722444555");
    assert_eq!(
        ok[0].get(k.at("notes")),
        "'quoted'",
        "only a guard before a formula sign goes"
    );
}
