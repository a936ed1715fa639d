//! `/floor`: the technician's tablet, laid out for 1024×768 and touch. Its actions have their own
//! routes and run the same work as the ticket page's (`web::tickets`), answering with the job
//! page.

pub mod clock;
pub mod job;
pub mod jobs;
pub mod lines;
pub mod move_on;
pub mod note;
pub mod part;
pub mod waits;
