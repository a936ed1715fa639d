//! Background work, one file per job. Each is safe with several servers running it at once.

pub mod dashboard_refresh;
pub mod housekeeping;
pub mod sender;
pub mod sms;
