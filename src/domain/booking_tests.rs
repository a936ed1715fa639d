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

mod day_rules {
    use chrono::{NaiveTime, TimeZone, Utc};

    use super::super::{check_no_show, free_gaps, is_early_check_in};

    fn t(s: &str) -> NaiveTime {
        NaiveTime::parse_from_str(s, "%H:%M").unwrap()
    }

    #[test]
    fn a_no_show_is_refused_before_the_start_and_allowed_from_it() {
        let start = Utc.with_ymd_and_hms(2030, 1, 7, 6, 0, 0).unwrap();
        let tz = chrono_tz::Africa::Nairobi;
        let early = check_no_show(start, start - chrono::Duration::minutes(1), tz).unwrap_err();
        assert!(early.contains("09:00 on 7 January"), "{early}");
        assert!(check_no_show(start, start, tz).is_ok());
    }

    #[test]
    fn check_in_asks_first_only_more_than_a_day_early() {
        let start = Utc.with_ymd_and_hms(2030, 1, 7, 6, 0, 0).unwrap();
        assert!(!is_early_check_in(
            start,
            start - chrono::Duration::hours(24)
        ));
        assert!(is_early_check_in(
            start,
            start - chrono::Duration::hours(25)
        ));
        assert!(!is_early_check_in(
            start,
            start + chrono::Duration::hours(1)
        ));
    }

    #[test]
    fn free_gaps_are_the_hours_less_the_bookings_from_now_on() {
        let hours = (t("08:00"), t("18:00"));
        let busy = [
            (t("11:00"), t("12:00")),
            (t("09:00"), t("10:00")),
            (t("09:30"), t("10:30")),
        ];
        assert_eq!(
            free_gaps(hours, &busy, None),
            vec![
                (t("08:00"), t("09:00")),
                (t("10:30"), t("11:00")),
                (t("12:00"), t("18:00"))
            ]
        );
        // Later in the day: what has passed is not free, and ten minutes is not a slot.
        let later = free_gaps(hours, &busy, Some(t("10:50")));
        assert_eq!(later, vec![(t("12:00"), t("18:00"))]);
        assert_eq!(free_gaps(hours, &[(t("07:00"), t("19:00"))], None), vec![]);
    }
}
