//! The master records staff correct after saving them (customers, their vehicles, devices and
//! contacts; services, bays, product models, stock items, vendors, locations): each kind's
//! fields, how what was typed is checked and written down, and how two versions of a record
//! differ. `repo::records` reads and writes them; `web::records` is the one edit form.

use bigdecimal::BigDecimal;

use super::validation::FieldErrors;

/// What a field holds, how it is typed and checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// Free text, `required` or not, at most `max` characters.
    Text { required: bool, max: usize },
    /// A phone number (7–15 digits), kept in E.164 when it reads as one in the branch's country.
    Phone,
    /// An email address, lower-cased.
    Email,
    /// A number plate, upper-cased without spaces.
    Plate,
    /// A vehicle identification number, checked; empty is none.
    Vin,
    /// An amount of money, not negative, two decimals.
    Money,
    /// Labour hours, not negative.
    Hours,
    /// A whole number from `min` to `max`, required.
    Count { min: i32, max: i32 },
    /// A whole number from `min` to `max`, or none.
    OptCount { min: i32, max: i32 },
    /// Yes or no (a checkbox).
    Flag,
    /// One of the stored values, each with its words.
    Choice(&'static [(&'static str, &'static str)]),
    /// A list of words, typed comma-separated.
    List,
    /// A vendor, or none.
    Vendor,
    /// A lead source, or none.
    LeadSource,
}

/// One field of a record kind.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// The column.
    pub col: &'static str,
    /// What the form calls it.
    pub label: &'static str,
    pub kind: FieldKind,
    /// A column set to the time of the change whenever this field changes (consent's date).
    pub stamp: Option<&'static str>,
}

const fn field(col: &'static str, label: &'static str, kind: FieldKind) -> Field {
    Field {
        col,
        label,
        kind,
        stamp: None,
    }
}

/// Who owns a record, and so who may change it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// The shop's catalogue, shared by its branches.
    Catalogue,
    /// One branch (`branch_id`): only from that branch.
    Branch,
    /// A customer (not one whose data was erased).
    Customer,
    /// A customer's vehicle, device or contact (`customer_id`).
    OfCustomer,
}

/// Who may edit a kind of record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Editors {
    /// The counter: receptionists, managers, admins.
    FrontDesk,
    /// Managers and admins.
    Management,
    /// Warehouse staff, managers and admins.
    Purchasing,
}

/// A kind of record that can be edited.
#[derive(Debug)]
pub struct Spec {
    /// Its name in addresses: `/records/{kind}/{id}`.
    pub kind: &'static str,
    /// Its name in the audit log.
    pub entity: &'static str,
    /// What people call one, in sentences.
    pub title: &'static str,
    pub table: &'static str,
    pub fields: &'static [Field],
    pub owner: Owner,
    pub editors: Editors,
    /// Whether its values are personal data (the audit row then names the fields changed,
    /// not their values: the log is append-only and erasure must stay possible).
    pub personal: bool,
    /// A rule across fields (a customer needs a phone or an email).
    pub check: fn(&Values, &mut FieldErrors),
}

/// A record's values as the form shows them: column and text (`None` for an empty optional).
pub type Values = Vec<(&'static str, Option<String>)>;

fn no_rule(_: &Values, _: &mut FieldErrors) {}

fn value<'a>(v: &'a Values, col: &str) -> &'a str {
    v.iter()
        .find(|(c, _)| *c == col)
        .and_then(|(_, v)| v.as_deref())
        .unwrap_or("")
}

fn reachable(v: &Values, errors: &mut FieldErrors) {
    if value(v, "phone").is_empty() && value(v, "email").is_empty() && errors.is_empty() {
        errors.add(
            "phone",
            "Enter a phone number or an email address so we can reach them.",
        );
    }
}

fn plate_or_vin(v: &Values, errors: &mut FieldErrors) {
    if value(v, "plate").is_empty() && value(v, "vin").is_empty() {
        errors.add("plate", "Enter the plate or the VIN.");
    }
}

const NAME: FieldKind = FieldKind::Text {
    required: true,
    max: 160,
};
const SHORT: FieldKind = FieldKind::Text {
    required: false,
    max: 120,
};
const LONG: FieldKind = FieldKind::Text {
    required: false,
    max: 2000,
};

/// Every kind of record the edit form knows.
pub static SPECS: &[Spec] = &[
    Spec {
        kind: "customer",
        entity: "customer",
        title: "customer",
        table: "customers",
        fields: &[
            field("name", "Name", NAME),
            field(
                "kind",
                "A person or a business",
                FieldKind::Choice(&[("person", "Person"), ("business", "Business")]),
            ),
            field(
                "segment",
                "Prices",
                FieldKind::Choice(&[("retail", "Retail"), ("wholesale", "Wholesale")]),
            ),
            field("phone", "Phone", FieldKind::Phone),
            field("email", "Email", FieldKind::Email),
            field("address", "Address", SHORT),
            field(
                "preferred_channel",
                "Messages by",
                FieldKind::Choice(&[("email", "Email"), ("sms", "SMS")]),
            ),
            field("lead_source_id", "How they found us", FieldKind::LeadSource),
            Field {
                col: "marketing_consent",
                label: "Agrees to marketing messages",
                kind: FieldKind::Flag,
                stamp: Some("marketing_consent_at"),
            },
            field("notes", "Notes", LONG),
        ],
        owner: Owner::Customer,
        editors: Editors::FrontDesk,
        personal: true,
        check: reachable,
    },
    Spec {
        kind: "vehicle",
        entity: "vehicle",
        title: "vehicle",
        table: "vehicles",
        fields: &[
            field("plate", "Plate", FieldKind::Plate),
            field("vin", "VIN", FieldKind::Vin),
            field("make", "Make", SHORT),
            field("model", "Model", SHORT),
            field(
                "year",
                "Year",
                FieldKind::OptCount {
                    min: 1900,
                    max: 2100,
                },
            ),
            field(
                "mileage",
                "Mileage (km)",
                FieldKind::OptCount {
                    min: 0,
                    max: 9_999_999,
                },
            ),
        ],
        owner: Owner::OfCustomer,
        editors: Editors::FrontDesk,
        personal: true,
        check: plate_or_vin,
    },
    Spec {
        kind: "device",
        entity: "device",
        title: "device",
        table: "devices",
        fields: &[
            field("kind", "Kind (phone, laptop…)", SHORT),
            field("brand", "Brand", SHORT),
            field("model", "Model", SHORT),
            field("serial", "Serial / IMEI", SHORT),
        ],
        owner: Owner::OfCustomer,
        editors: Editors::FrontDesk,
        personal: true,
        check: no_rule,
    },
    Spec {
        kind: "contact",
        entity: "customer_contact",
        title: "contact",
        table: "customer_contacts",
        fields: &[
            field("name", "Name", NAME),
            field("position", "Position", SHORT),
            field("phone", "Phone", FieldKind::Phone),
            field("email", "Email", FieldKind::Email),
        ],
        owner: Owner::OfCustomer,
        editors: Editors::FrontDesk,
        personal: true,
        check: no_rule,
    },
    Spec {
        kind: "service",
        entity: "service",
        title: "service",
        table: "services",
        fields: &[
            field("name", "Name", NAME),
            field(
                "category",
                "Category",
                FieldKind::Text {
                    required: true,
                    max: 60,
                },
            ),
            field("labour_hours", "Labour hours", FieldKind::Hours),
            field("price", "Price", FieldKind::Money),
            field(
                "active",
                "Offered (a retired service is not offered for new work)",
                FieldKind::Flag,
            ),
        ],
        owner: Owner::Catalogue,
        editors: Editors::Management,
        personal: false,
        check: no_rule,
    },
    Spec {
        kind: "bay",
        entity: "bay",
        title: "bay",
        table: "bays",
        fields: &[
            field("name", "Name", NAME),
            field(
                "categories",
                "Work it takes (comma-separated categories)",
                FieldKind::List,
            ),
            field(
                "active",
                "In use (a retired bay takes no new bookings; its bookings stay)",
                FieldKind::Flag,
            ),
        ],
        owner: Owner::Branch,
        editors: Editors::Management,
        personal: false,
        check: no_rule,
    },
    Spec {
        kind: "product_model",
        entity: "product_model",
        title: "product model",
        table: "product_models",
        fields: &[
            field(
                "category",
                "Category",
                FieldKind::Text {
                    required: true,
                    max: 60,
                },
            ),
            field("brand", "Brand", NAME),
            field("model", "Model", NAME),
            field("specs", "Specs", LONG),
            field("price_grade_a", "Price, grade A", FieldKind::Money),
            field("price_grade_b", "Price, grade B", FieldKind::Money),
            field("price_grade_c", "Price, grade C", FieldKind::Money),
            field(
                "warranty_days",
                "Warranty (days)",
                FieldKind::Count { min: 0, max: 3650 },
            ),
            field(
                "active",
                "Sold (a retired model is not offered)",
                FieldKind::Flag,
            ),
        ],
        owner: Owner::Catalogue,
        editors: Editors::Management,
        personal: false,
        check: no_rule,
    },
    Spec {
        kind: "stock_item",
        entity: "stock_item",
        title: "stock item",
        table: "stock_items",
        fields: &[
            field(
                "sku",
                "SKU",
                FieldKind::Text {
                    required: true,
                    max: 40,
                },
            ),
            field("name", "Name", NAME),
            field("category", "Category", SHORT),
            field("unit_cost", "Cost", FieldKind::Money),
            field("unit_price", "Price", FieldKind::Money),
            field(
                "reorder_threshold",
                "Reorder at",
                FieldKind::Count {
                    min: 0,
                    max: 1_000_000,
                },
            ),
            field("preferred_vendor_id", "Vendor", FieldKind::Vendor),
            field(
                "active",
                "Stocked (a retired item is not offered)",
                FieldKind::Flag,
            ),
        ],
        owner: Owner::Catalogue,
        editors: Editors::Management,
        personal: false,
        check: no_rule,
    },
    Spec {
        kind: "vendor",
        entity: "vendor",
        title: "vendor",
        table: "vendors",
        fields: &[
            field("name", "Name", NAME),
            field("phone", "Phone", FieldKind::Phone),
            field("email", "Email", FieldKind::Email),
            field("notes", "Notes", LONG),
            field("active", "Buying from them", FieldKind::Flag),
        ],
        owner: Owner::Catalogue,
        editors: Editors::Purchasing,
        personal: false,
        check: no_rule,
    },
    Spec {
        kind: "location",
        entity: "location",
        title: "location",
        table: "locations",
        fields: &[
            field("name", "Name", NAME),
            field("active", "In use", FieldKind::Flag),
        ],
        owner: Owner::Branch,
        editors: Editors::Purchasing,
        personal: false,
        check: no_rule,
    },
];

/// The kind of record named `kind`.
pub fn spec(kind: &str) -> Option<&'static Spec> {
    SPECS.iter().find(|s| s.kind == kind)
}

impl Field {
    /// How the column reads as text, the way the form shows it (SQL; columns are this
    /// module's constants, never typed input).
    pub fn read_sql(&self) -> String {
        let col = self.col;
        match self.kind {
            FieldKind::Flag => format!("CASE WHEN {col} THEN 'true' ELSE 'false' END"),
            FieldKind::List => format!("array_to_string({col}, ', ')"),
            FieldKind::Money
            | FieldKind::Hours
            | FieldKind::Count { .. }
            | FieldKind::OptCount { .. }
            | FieldKind::Vendor
            | FieldKind::LeadSource => format!("{col}::text"),
            _ => col.to_string(),
        }
    }

    /// How a text parameter becomes the column's value (SQL).
    pub fn write_sql(&self, param: usize) -> String {
        match self.kind {
            FieldKind::Money | FieldKind::Hours => format!("${param}::numeric"),
            FieldKind::Count { .. } | FieldKind::OptCount { .. } => format!("${param}::int4"),
            FieldKind::Flag => format!("${param}::boolean"),
            FieldKind::List => format!("coalesce(string_to_array(${param}, ', '), '{{}}')"),
            FieldKind::Vendor | FieldKind::LeadSource => format!("${param}::int8"),
            _ => format!("${param}"),
        }
    }

    /// What was typed, checked and written the way it is kept; a message under the field
    /// otherwise. A phone number is put in E.164 by the caller, who knows the country.
    pub fn read(&self, typed: &str, errors: &mut FieldErrors) -> Option<String> {
        let t = typed.trim();
        let mut refuse = |m: String| {
            errors.add(self.col, m);
            None
        };
        match self.kind {
            FieldKind::Text { required, max } => {
                if required && t.is_empty() {
                    return refuse(format!("Enter the {}.", self.label.to_lowercase()));
                }
                if t.chars().count() > max {
                    return refuse(format!("Keep it to {max} characters."));
                }
                Some(t.to_string())
            }
            FieldKind::Phone => {
                let digits = t.chars().filter(char::is_ascii_digit).count();
                if !t.is_empty() && !(7..=15).contains(&digits) {
                    return refuse("Enter a phone number of 7 to 15 digits.".into());
                }
                Some(t.to_string())
            }
            FieldKind::Email => {
                let e = t.to_lowercase();
                if !e.is_empty() && !super::customer::looks_like_email(&e) {
                    return refuse("Enter an email address such as name@example.com.".into());
                }
                Some(e)
            }
            FieldKind::Plate => Some(super::vehicle::normalise_plate(t)),
            FieldKind::Vin => match t {
                "" => None,
                raw => match super::vehicle::normalise_vin(raw) {
                    Ok(v) => Some(v),
                    Err(m) => refuse(m),
                },
            },
            FieldKind::Money | FieldKind::Hours => match t.replace(',', "").parse::<BigDecimal>() {
                Ok(v) if v.sign() == bigdecimal::num_bigint::Sign::Minus => {
                    refuse("It cannot be negative.".into())
                }
                Ok(v) if v > 100_000_000 => refuse("That is too large.".into()),
                Ok(v) => Some(format!(
                    "{:.2}",
                    v.with_scale_round(2, bigdecimal::RoundingMode::HalfEven)
                )),
                Err(_) => refuse("Enter an amount such as 1200 or 1200.50.".into()),
            },
            FieldKind::Count { min, max } | FieldKind::OptCount { min, max } => {
                let optional = matches!(self.kind, FieldKind::OptCount { .. });
                match t.replace(',', "").parse::<i32>() {
                    _ if t.is_empty() && optional => None,
                    Ok(n) if (min..=max).contains(&n) => Some(n.to_string()),
                    _ => refuse(format!("Enter a whole number from {min} to {max}.")),
                }
            }
            FieldKind::Flag => Some(matches!(t, "on" | "true" | "1" | "yes").to_string()),
            FieldKind::Choice(options) => match options.iter().find(|(v, _)| *v == t) {
                Some((v, _)) => Some(v.to_string()),
                None => refuse(format!("Choose the {}.", self.label.to_lowercase())),
            },
            FieldKind::List => {
                let words: Vec<&str> = t
                    .split(',')
                    .map(str::trim)
                    .filter(|w| !w.is_empty())
                    .collect();
                Some(words.join(", "))
            }
            FieldKind::Vendor | FieldKind::LeadSource => match t {
                "" => None,
                id => match id.parse::<i64>() {
                    Ok(id) if id > 0 => Some(id.to_string()),
                    _ => refuse(format!("Choose the {}.", self.label.to_lowercase())),
                },
            },
        }
    }

    /// Whether two kept values are the same (empty is none; amounts compared as numbers:
    /// `1.5` is `1.50`).
    pub fn same(&self, a: Option<&str>, b: Option<&str>) -> bool {
        let (a, b) = (a.filter(|v| !v.is_empty()), b.filter(|v| !v.is_empty()));
        match (self.kind, a, b) {
            (FieldKind::Money | FieldKind::Hours, Some(a), Some(b)) => {
                a.parse::<BigDecimal>().ok() == b.parse::<BigDecimal>().ok()
            }
            _ => a == b,
        }
    }

    /// A value as a sentence shows it.
    pub fn shown(&self, v: Option<&str>) -> String {
        match (self.kind, v) {
            (_, None) | (_, Some("")) => "(empty)".into(),
            (FieldKind::Flag, Some("true")) => "yes".into(),
            (FieldKind::Flag, Some(_)) => "no".into(),
            (FieldKind::Choice(options), Some(v)) => options
                .iter()
                .find(|(o, _)| *o == v)
                .map_or(v.to_string(), |(_, words)| words.to_string()),
            (_, Some(v)) => v.to_string(),
        }
    }
}

impl Spec {
    /// Everything typed, checked field by field and then across fields.
    pub fn read(&self, typed: &dyn Fn(&str) -> String) -> Result<Values, FieldErrors> {
        let mut errors = FieldErrors::new();
        let values: Values = self
            .fields
            .iter()
            .map(|f| (f.col, f.read(&typed(f.col), &mut errors)))
            .collect();
        (self.check)(&values, &mut errors);
        errors.into_result().map(|_| values)
    }

    /// The fields whose values differ between `a` and `b`.
    pub fn changes(&self, a: &Values, b: &Values) -> Vec<&'static Field> {
        self.fields
            .iter()
            .filter(|f| {
                let x = a
                    .iter()
                    .find(|(c, _)| *c == f.col)
                    .and_then(|(_, v)| v.as_deref());
                let y = b
                    .iter()
                    .find(|(c, _)| *c == f.col)
                    .and_then(|(_, v)| v.as_deref());
                !f.same(x, y)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> String + 'a {
        move |col| {
            pairs
                .iter()
                .find(|(c, _)| *c == col)
                .map_or(String::new(), |(_, v)| v.to_string())
        }
    }

    #[test]
    fn every_kind_is_named_once_and_its_columns_are_plain_names() {
        for s in SPECS {
            assert_eq!(SPECS.iter().filter(|o| o.kind == s.kind).count(), 1);
            for f in s.fields {
                assert!(
                    f.col.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                    "{}",
                    f.col
                );
            }
        }
        assert!(spec("customer").is_some() && spec("nope").is_none());
    }

    #[test]
    fn what_was_typed_is_checked_and_kept_the_way_it_is_stored() {
        let s = spec("stock_item").unwrap();
        let v = s
            .read(&typed(&[
                ("sku", " flt-1 "),
                ("name", "Filter"),
                ("unit_cost", "1,200.5"),
                ("unit_price", "2000"),
                ("reorder_threshold", "3"),
                ("active", "on"),
            ]))
            .unwrap();
        assert_eq!(v[0], ("sku", Some("flt-1".into())));
        assert_eq!(v[3], ("unit_cost", Some("1200.50".into())));
        assert_eq!(v[6], ("preferred_vendor_id", None));
        assert_eq!(v[7], ("active", Some("true".into())));
        let bad = s
            .read(&typed(&[
                ("sku", ""),
                ("name", "x"),
                ("unit_cost", "abc"),
                ("unit_price", "-1"),
                ("reorder_threshold", "1.5"),
            ]))
            .unwrap_err();
        assert_eq!(bad.get("sku"), Some("Enter the sku."));
        assert_eq!(
            bad.get("unit_cost"),
            Some("Enter an amount such as 1200 or 1200.50.")
        );
        assert_eq!(bad.get("unit_price"), Some("It cannot be negative."));
        assert!(
            bad.get("reorder_threshold")
                .unwrap()
                .contains("whole number")
        );
    }

    #[test]
    fn a_customer_needs_a_phone_or_an_email_and_a_vehicle_a_plate_or_a_vin() {
        let c = spec("customer").unwrap();
        let e = c
            .read(&typed(&[
                ("name", "Amina"),
                ("kind", "person"),
                ("segment", "retail"),
                ("preferred_channel", "email"),
            ]))
            .unwrap_err();
        assert!(e.get("phone").unwrap().contains("phone number or an email"));
        let v = spec("vehicle").unwrap();
        assert!(
            v.read(&typed(&[("make", "Toyota")]))
                .unwrap_err()
                .get("plate")
                .is_some()
        );
        let ok = v
            .read(&typed(&[("plate", "kda 123a"), ("year", "")]))
            .unwrap();
        assert_eq!(ok[0].1.as_deref(), Some("KDA123A"));
        assert_eq!(ok[4].1, None);
    }

    #[test]
    fn changes_compare_amounts_as_numbers() {
        let s = spec("service").unwrap();
        let a: Values = vec![
            ("name", Some("Oil".into())),
            ("labour_hours", Some("1.5".into())),
            ("price", Some("10.00".into())),
        ];
        let b: Values = vec![
            ("name", Some("Oil".into())),
            ("labour_hours", Some("1.50".into())),
            ("price", Some("12.00".into())),
        ];
        let changed: Vec<&str> = s.changes(&a, &b).iter().map(|f| f.col).collect();
        assert_eq!(changed, ["price"]);
    }
}
