//! The line pricing rules, case by case.

use super::*;

fn d(s: &str) -> BigDecimal {
    s.parse().unwrap()
}

fn unit(status: AssetStatus, grade: Option<&str>) -> UnitFacts {
    UnitFacts {
        id: 7,
        asset_tag: "WB-000007".into(),
        serial: "SN7".into(),
        status,
        grade: grade.map(str::to_string),
        brand: "Dell".into(),
        model: "Latitude 5420".into(),
        grade_prices: [d("900.00"), d("750.00"), d("600.00")],
        landed_cost: d("420.00"),
        on_this_invoice: false,
    }
}

fn sell(unit: UnitFacts, price: Option<&str>) -> Result<PricedLine, FieldErrors> {
    price_line(LineFacts::Unit {
        unit,
        price: price.map(d),
        tier: None,
    })
}

#[test]
fn a_unit_sells_at_its_grades_price_unless_one_is_typed() {
    let a = sell(unit(AssetStatus::ReadyForSale, Some("A")), None).unwrap();
    assert_eq!(a.unit_price, d("900.00"));
    assert_eq!(a.unit_cost, Some(d("420.00")));
    assert_eq!(a.tier, Some(WarrantyTier::Standard));
    assert_eq!(
        a.description,
        "Dell Latitude 5420 (grade A) · SN7 · WB-000007"
    );
    let c = sell(unit(AssetStatus::Reserved, Some("C")), None).unwrap();
    assert_eq!(c.unit_price, d("600.00"));
    let ungraded = sell(unit(AssetStatus::ReadyForSale, None), None).unwrap();
    assert_eq!(
        ungraded.unit_price,
        d("750.00"),
        "ungraded sells at grade B"
    );
    let typed = sell(unit(AssetStatus::ReadyForSale, Some("A")), Some("850")).unwrap();
    assert_eq!(typed.unit_price, d("850"));
}

#[test]
fn a_unit_not_on_sale_or_on_the_draft_already_or_at_a_negative_price_is_refused() {
    let raw = sell(unit(AssetStatus::Received, Some("A")), None).unwrap_err();
    assert!(
        raw.get("code")
            .unwrap()
            .contains("only units ready for sale")
    );
    let mut twice = unit(AssetStatus::ReadyForSale, Some("A"));
    twice.on_this_invoice = true;
    let twice = sell(twice, None).unwrap_err();
    assert!(
        twice
            .get("code")
            .unwrap()
            .contains("on this invoice already")
    );
    let negative = sell(unit(AssetStatus::ReadyForSale, None), Some("-1")).unwrap_err();
    assert_eq!(negative.get("price"), Some("A price cannot be negative."));
}

fn stock(quantity: i32, on_hand: i32, already: &str) -> Result<PricedLine, FieldErrors> {
    price_line(LineFacts::Stock {
        stock_item_id: 3,
        item: Some(StockFacts {
            sku: "CHG-65W".into(),
            name: "65 W charger".into(),
            cost: d("12.00"),
            price: d("25.00"),
            on_hand,
            already: d(already),
        }),
        quantity,
        price: None,
        tier: None,
    })
}

#[test]
fn stock_sells_only_what_is_on_hand_counting_what_the_draft_holds() {
    let ok = stock(2, 3, "1").unwrap();
    assert_eq!((ok.quantity, ok.unit_price), (d("2"), d("25.00")));
    assert_eq!(ok.description, "65 W charger (CHG-65W)");
    let over = stock(2, 2, "1").unwrap_err();
    assert_eq!(
        over.get("quantity"),
        Some("Only 2 of CHG-65W in stock here and 1 are on this invoice already.")
    );
    let none_yet = stock(3, 2, "0").unwrap_err();
    assert_eq!(
        none_yet.get("quantity"),
        Some("Only 2 of CHG-65W in stock here.")
    );
    assert!(stock(0, 2, "0").unwrap_err().get("quantity").is_some());
}

#[test]
fn labour_needs_a_description_hours_up_to_999_and_a_rate_of_zero_or_more() {
    let labour = |text: &str, hours: &str, rate: &str| {
        price_line(LineFacts::Labour {
            description: text.into(),
            hours: d(hours),
            rate: d(rate),
        })
    };
    let ok = labour(" Screen swap ", "1.5", "40").unwrap();
    assert_eq!(ok.description, "Labour: Screen swap");
    assert_eq!((ok.quantity, ok.unit_price), (d("1.5"), d("40")));
    let bad = labour("", "1000", "-1").unwrap_err();
    for field in ["labour_description", "hours", "rate"] {
        assert!(bad.get(field).is_some(), "{field}");
    }
    assert!(labour("x", "0", "1").unwrap_err().get("hours").is_some());
    assert!(labour("x", "999", "0").is_ok());
}

#[test]
fn a_discount_is_above_zero_and_at_most_the_lines_total() {
    let discount = |amount: &str| {
        price_line(LineFacts::Discount {
            description: String::new(),
            amount: d(amount),
            subtotal: d("100.00"),
        })
    };
    assert_eq!(discount("100.00").unwrap().description, "Discount");
    assert_eq!(
        discount("100.01").unwrap_err().get("discount_amount"),
        Some("A discount cannot be more than the total of the lines, 100.00.")
    );
    assert!(discount("0").unwrap_err().get("discount_amount").is_some());
}

#[test]
fn a_service_sells_at_its_catalogue_price_and_a_fee_needs_what_it_is_for() {
    let service = price_line(LineFacts::Service {
        service_id: 4,
        service: Some(("Oil change".into(), d("35.00"))),
        price: None,
    })
    .unwrap();
    assert_eq!(
        (service.description.as_str(), service.unit_price),
        ("Oil change", d("35.00"))
    );
    let gone = price_line(LineFacts::Service {
        service_id: 4,
        service: None,
        price: None,
    });
    assert!(gone.unwrap_err().get("service_id").is_some());
    let fee = price_line(LineFacts::Fee {
        description: " ".into(),
        amount: d("-5"),
    })
    .unwrap_err();
    assert!(fee.get("fee_description").is_some() && fee.get("fee_amount").is_some());
}
