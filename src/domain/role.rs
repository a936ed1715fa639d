//! Staff roles, as DESIGN.md lists them.

use std::fmt;
use std::str::FromStr;

/// What a staff user works on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Customers, bookings, check-in, invoices, payments, preorders.
    Receptionist,
    /// Assigned tickets, diagnostics, wipes, time clock, parts use.
    Technician,
    /// Stock intake, locations, transfers, purchase orders.
    Warehouse,
    /// Invoices, payments, refunds, costs and margins, exports.
    Finance,
    /// Everything in their branches, dashboards, staff of their branch.
    Manager,
    /// Everything.
    Admin,
}

impl Role {
    /// Roles a ticket can be assigned to.
    pub const TAKE_TICKETS: [Role; 2] = [Role::Technician, Role::Manager];

    /// Every role, in the order screens list them.
    pub const ALL: [Role; 6] = [
        Role::Receptionist,
        Role::Technician,
        Role::Warehouse,
        Role::Finance,
        Role::Manager,
        Role::Admin,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Receptionist => "receptionist",
            Role::Technician => "technician",
            Role::Warehouse => "warehouse",
            Role::Finance => "finance",
            Role::Manager => "manager",
            Role::Admin => "admin",
        }
    }

    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Role::Receptionist => "Receptionist",
            Role::Technician => "Technician",
            Role::Warehouse => "Warehouse",
            Role::Finance => "Finance",
            Role::Manager => "Manager",
            Role::Admin => "Administrator",
        }
    }

    /// Managers and admins see every branch and may switch the active one.
    pub fn spans_branches(self) -> bool {
        matches!(self, Role::Manager | Role::Admin)
    }

    /// Cost prices, margins and profitability are for finance, managers and admins only.
    pub fn sees_costs(self) -> bool {
        matches!(self, Role::Finance | Role::Manager | Role::Admin)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown role: {s}"))
    }
}

#[cfg(test)]
mod tests {
    use super::Role;

    #[test]
    fn every_role_round_trips_through_its_name() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("owner".parse::<Role>().is_err());
    }

    #[test]
    fn only_managers_and_admins_span_branches() {
        let spanning: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.spans_branches())
            .collect();
        assert_eq!(spanning, vec![Role::Manager, Role::Admin]);
    }

    #[test]
    fn costs_are_for_finance_managers_and_admins() {
        let seeing: Vec<Role> = Role::ALL.into_iter().filter(|r| r.sees_costs()).collect();
        assert_eq!(seeing, vec![Role::Finance, Role::Manager, Role::Admin]);
    }
}
