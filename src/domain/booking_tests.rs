//! The booking rules: the status table, a slot against the branch's hours, and the form's times.

mod status_table {
    use super::super::BookingStatus::{self, *};

    #[test]
    fn exactly_the_designed_transitions_are_allowed() {
        let allowed = [
            (Requested, Confirmed),
            (Confirmed, CheckedIn),
            (CheckedIn, Completed),
            (Requested, Cancelled),
            (Confirmed, Cancelled),
            (Confirmed, NoShow),
        ];
        for from in BookingStatus::ALL {
            for to in BookingStatus::ALL {
                assert_eq!(
                    from.can_become(to),
                    allowed.contains(&(from, to)),
                    "{from} → {to}"
                );
            }
        }
    }

    #[test]
    fn a_refusal_says_what_was_refused() {
        assert_eq!(
            NoShow.check_transition(Confirmed).unwrap_err(),
            "A no-show booking cannot be marked confirmed."
        );
    }

    #[test]
    fn only_requested_confirmed_and_checked_in_hold_the_bay() {
        let live: Vec<_> = BookingStatus::ALL
            .into_iter()
            .filter(|s| s.is_live())
            .collect();
        assert_eq!(live, vec![Requested, Confirmed, CheckedIn]);
    }
}

mod slot_tests {
    use super::super::check_slot;
    use crate::domain::branch::OpeningHours;
    use chrono::{TimeZone, Utc};

    // 2030-01-07 is a Monday; Nairobi is UTC+3.
    fn at(h: u32, m: u32) -> chrono::DateTime<Utc> {
        chrono_tz::Africa::Nairobi
            .with_ymd_and_hms(2030, 1, 7, h, m, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn a_slot_inside_the_hours_in_the_branch_timezone_is_fine() {
        let now = Utc.with_ymd_and_hms(2029, 1, 1, 0, 0, 0).unwrap();
        let h = OpeningHours::standard();
        assert!(check_slot(&h, chrono_tz::Africa::Nairobi, at(8, 0), at(18, 0), now).is_ok());
        assert!(check_slot(&h, chrono_tz::Africa::Nairobi, at(7, 30), at(9, 0), now).is_err());
        assert!(check_slot(&h, chrono_tz::Africa::Nairobi, at(17, 0), at(18, 30), now).is_err());
    }

    #[test]
    fn past_closed_days_and_reversed_ranges_are_refused() {
        let h = OpeningHours::standard();
        let tz = chrono_tz::Africa::Nairobi;
        let later = Utc.with_ymd_and_hms(2031, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(
            check_slot(&h, tz, at(9, 0), at(10, 0), later)
                .unwrap_err()
                .0,
            "starts_at"
        );
        let early = Utc.with_ymd_and_hms(2029, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(
            check_slot(&h, tz, at(10, 0), at(9, 0), early)
                .unwrap_err()
                .0,
            "ends_at"
        );
        let sunday = tz
            .with_ymd_and_hms(2030, 1, 6, 10, 0, 0)
            .unwrap()
            .with_timezone(&Utc);
        let msg = check_slot(&h, tz, sunday, sunday + chrono::Duration::hours(1), early)
            .unwrap_err()
            .1;
        assert!(msg.contains("closed on Sundays"), "{msg}");
    }
}

mod form_tests {
    use super::super::*;
    use crate::domain::validation::FieldErrors;

    fn at(s: &str) -> chrono::DateTime<chrono::Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn an_empty_end_is_the_services_hours_after_the_start_in_quarter_hours() {
        let mut errors = FieldErrors::new();
        let hours = ["1.1".parse().unwrap(), "0.5".parse().unwrap()];
        let tz = chrono_tz::Africa::Nairobi;
        let slot = slot_from_form(tz, ("2030-01-07", "09:00", " "), Some(&hours), &mut errors);
        assert_eq!(
            slot,
            Some((at("2030-01-07T06:00:00Z"), at("2030-01-07T07:45:00Z")))
        );
        let typed = slot_from_form(tz, ("2030-01-07", "09:00", "10:00"), None, &mut errors);
        assert_eq!(typed.map(|s| s.1), Some(at("2030-01-07T07:00:00Z")));
        assert!(errors.is_empty());
    }

    #[test]
    fn times_that_do_not_read_are_told_beside_their_fields() {
        let mut errors = FieldErrors::new();
        let tz = chrono_tz::UTC;
        assert_eq!(
            slot_from_form(tz, ("2030-01-07", "9h", "25:00"), None, &mut errors),
            None
        );
        assert!(errors.get("start").is_some() && errors.get("end").is_some());
    }
}
