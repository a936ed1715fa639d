//! What each kind of file brings: Workbay's fields a column can be mapped to, how each is checked
//! (the edit form's rules, `domain::records`), what a missing value becomes, and the names old
//! systems give the column, for the first guess at the mapping.

use crate::domain::records::FieldKind;

/// One of Workbay's fields a column of the file can fill.
#[derive(Debug, Clone, Copy)]
pub struct ImportField {
    /// Its name in the mapping.
    pub key: &'static str,
    /// What the screen calls it.
    pub label: &'static str,
    pub kind: FieldKind,
    /// Whether the file must have the column.
    pub required: bool,
    /// What an empty cell becomes (`None`: empty stays empty, or none).
    pub default: Option<&'static str>,
    /// Headers that mean this field (compared lower-case, letters and digits only).
    pub aliases: &'static [&'static str],
}

/// A kind of file.
#[derive(Debug)]
pub struct ImportKind {
    /// Its name in addresses and the `imports` table.
    pub kind: &'static str,
    /// What the screen calls it.
    pub title: &'static str,
    /// One record, in sentences.
    pub one: &'static str,
    pub fields: &'static [ImportField],
}

const fn f(
    key: &'static str,
    label: &'static str,
    kind: FieldKind,
    aliases: &'static [&'static str],
) -> ImportField {
    ImportField {
        key,
        label,
        kind,
        required: false,
        default: None,
        aliases,
    }
}

const fn required(field: ImportField) -> ImportField {
    ImportField {
        required: true,
        ..field
    }
}

const fn or(field: ImportField, default: &'static str) -> ImportField {
    ImportField {
        default: Some(default),
        ..field
    }
}

const TEXT: FieldKind = FieldKind::Text {
    required: false,
    max: 120,
};
const NAME: FieldKind = FieldKind::Text {
    required: true,
    max: 160,
};
const LONG: FieldKind = FieldKind::Text {
    required: false,
    max: 2000,
};
const CATEGORY: FieldKind = FieldKind::Text {
    required: true,
    max: 60,
};
/// The old system's reference: what makes a second import of the same file add nothing.
const REF: ImportField = f(
    "external_ref",
    "Reference in the old system",
    FieldKind::Text {
        required: false,
        max: 60,
    },
    &[
        "id",
        "ref",
        "reference",
        "code",
        "number",
        "no",
        "account",
        "accountno",
        "customerid",
        "customerno",
        "itemid",
        "vendorid",
        "supplierid",
    ],
);
const COUNT: FieldKind = FieldKind::Count {
    min: 0,
    max: 1_000_000,
};

/// Every kind of file an import takes (a table: one field a line).
#[rustfmt::skip]
pub static KINDS: &[ImportKind] = &[
    ImportKind {
        kind: "customers",
        title: "Customers, with a vehicle or a device",
        one: "customer",
        fields: &[
            REF,
            required(f("name", "Name", NAME, &["customer", "customername", "fullname", "client", "clientname"])),
            or(f("kind", "Person or business", FieldKind::Choice(&[("person", "Person"), ("business", "Business")]), &["type", "customertype"]), "person"),
            or(f("segment", "Prices (retail or wholesale)", FieldKind::Choice(&[("retail", "Retail"), ("wholesale", "Wholesale")]), &["pricelevel", "pricing", "priceband"]), "retail"),
            f("phone", "Phone", FieldKind::Phone, &["mobile", "tel", "telephone", "phonenumber", "cell", "cellphone", "mobilenumber"]),
            f("email", "Email", FieldKind::Email, &["emailaddress", "mail"]),
            f("address", "Address", TEXT, &["street", "location"]),
            or(f("marketing_consent", "Agrees to marketing messages", FieldKind::Flag, &["consent", "marketing", "newsletter", "optin", "marketingconsent"]), "false"),
            f("notes", "Notes", LONG, &["note", "comments", "comment", "remarks"]),
            f("plate", "Vehicle plate", FieldKind::Plate, &["registration", "reg", "regno", "numberplate", "licenceplate", "licenseplate", "vehicleplate"]),
            f("vin", "Vehicle VIN", FieldKind::Vin, &["chassis", "chassisnumber", "vehiclevin"]),
            f("make", "Vehicle make", TEXT, &["vehiclemake", "carmake"]),
            f("vehicle_model", "Vehicle model", TEXT, &["carmodel"]),
            f("year", "Vehicle year", FieldKind::OptCount { min: 1900, max: 2100 }, &["vehicleyear", "yearofmanufacture"]),
            f("mileage", "Vehicle mileage (km)", FieldKind::OptCount { min: 0, max: 9_999_999 }, &["odometer", "km", "kilometres", "kilometers"]),
            f("device_kind", "Device kind (phone, laptop…)", TEXT, &["devicetype", "devicekind"]),
            f("device_brand", "Device brand", TEXT, &["brand", "manufacturer"]),
            f("device_model", "Device model", TEXT, &[]),
            f("device_serial", "Device serial / IMEI", TEXT, &["serial", "serialnumber", "imei", "devicesn"]),
        ],
    },
    ImportKind {
        kind: "stock_items",
        title: "Stock items, with opening stock per branch",
        one: "stock item",
        fields: &[
            REF,
            required(f("sku", "SKU", FieldKind::Text { required: true, max: 40 }, &["partnumber", "partno", "itemcode", "barcode", "article"])),
            required(f("name", "Name", NAME, &["description", "item", "itemname", "product", "productname"])),
            f("category", "Category", TEXT, &["group", "itemgroup"]),
            or(f("unit_cost", "Cost", FieldKind::Money, &["cost", "costprice", "buyprice", "purchaseprice", "unitcost"]), "0"),
            required(f("unit_price", "Price", FieldKind::Money, &["price", "sellprice", "sellingprice", "retailprice", "unitprice"])),
            or(f("reorder_threshold", "Reorder at", COUNT, &["reorder", "reorderlevel", "reorderpoint", "minstock", "minimum"]), "0"),
            f("vendor", "Vendor (by name)", TEXT, &["supplier", "preferredvendor", "preferredsupplier", "vendorname", "suppliername"]),
            or(f("opening_stock", "Opening stock", COUNT, &["qty", "quantity", "onhand", "stock", "instock", "stocklevel"]), "0"),
            f("branch", "Branch of the opening stock (name; empty: this branch)", TEXT, &["shop", "store", "site", "branchname"]),
        ],
    },
    ImportKind {
        kind: "product_models",
        title: "Product models (refurbished units' catalogue)",
        one: "product model",
        fields: &[
            REF,
            required(f("category", "Category", CATEGORY, &["type", "group"])),
            required(f("brand", "Brand", NAME, &["make", "manufacturer"])),
            required(f("model", "Model", NAME, &["modelname", "product"])),
            f("specs", "Specs", LONG, &["specification", "specifications", "description"]),
            required(f("price_grade_a", "Price, grade A", FieldKind::Money, &["pricea", "gradea", "price"])),
            or(f("price_grade_b", "Price, grade B", FieldKind::Money, &["priceb", "gradeb"]), "0"),
            or(f("price_grade_c", "Price, grade C", FieldKind::Money, &["pricec", "gradec"]), "0"),
            or(f("warranty_days", "Warranty (days)", FieldKind::Count { min: 0, max: 3650 }, &["warranty", "warrantydays"]), "90"),
        ],
    },
    ImportKind {
        kind: "services",
        title: "Services (labour price list)",
        one: "service",
        fields: &[
            REF,
            required(f("name", "Name", NAME, &["service", "servicename", "description", "job"])),
            required(f("category", "Category", CATEGORY, &["type", "group"])),
            or(f("labour_hours", "Labour hours", FieldKind::Hours, &["hours", "labour", "labor", "laborhours", "time"]), "0"),
            required(f("price", "Price", FieldKind::Money, &["amount", "rate", "fee"])),
        ],
    },
    ImportKind {
        kind: "vendors",
        title: "Vendors (suppliers)",
        one: "vendor",
        fields: &[
            REF,
            required(f("name", "Name", NAME, &["vendor", "supplier", "vendorname", "suppliername", "company"])),
            f("phone", "Phone", FieldKind::Phone, &["tel", "telephone", "mobile", "phonenumber"]),
            f("email", "Email", FieldKind::Email, &["emailaddress", "mail"]),
            f("notes", "Notes", LONG, &["note", "comments", "remarks", "contact", "contactperson"]),
        ],
    },
];

/// The kind named `kind`.
pub fn kind(kind: &str) -> Option<&'static ImportKind> {
    KINDS.iter().find(|k| k.kind == kind)
}

impl ImportKind {
    /// The position of the field `key` (the staging table's column `v{position}`).
    pub fn at(&self, key: &str) -> usize {
        self.fields
            .iter()
            .position(|f| f.key == key)
            .unwrap_or_else(|| panic!("{} has no field {key}", self.kind))
    }
}

/// A header as compared: lower-case letters and digits only (`E-mail Address` → `emailaddress`).
pub fn folded(header: &str) -> String {
    header
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_fit_the_staging_table() {
        for k in KINDS {
            assert!(k.fields.len() <= super::super::STAGED_COLUMNS, "{}", k.kind);
            for (i, f) in k.fields.iter().enumerate() {
                assert_eq!(k.at(f.key), i, "{} names {} twice", k.kind, f.key);
            }
        }
        assert_eq!(folded("E-mail Address"), "emailaddress");
    }
}
