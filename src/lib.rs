//! scrutin checks media publications against election law.
//!
//! The data flows one way, and so do the modules:
//!
//! 1. [`rulebook`]: a YAML rulebook is loaded, validated and resolved, every
//!    window becoming a UTC interval per round and region;
//! 2. [`publication`]: a log is read line by line into publications;
//! 3. [`check`]: each publication is checked against the rules (pure: no I/O);
//! 4. [`report`]: findings are written for people or machines.
//!
//! [`audit`] runs a whole log through steps 2 to 4; [`run`] runs several, with
//! a waiver file, a scope and `--fix`, as `scrutin check` does. Every mistake
//! each step reports has a stable code, all listed by [`diagnostics::all_codes`].
//!
//! ```
//! use scrutin::{audit, report, rulebook};
//!
//! let rulebook = rulebook::load("rules/fr/presidential-2017.yaml".as_ref()).unwrap();
//! let log = "2017-05-06T09:30:00+02:00 outlet=example.fr kind=campaign\n";
//! let mut summary = audit::Summary::default();
//! let mut out = Vec::new();
//! let mut json = report::JsonReport::new(&mut out, &rulebook);
//! audit::audit(&rulebook, "example.log", log.as_bytes(), &mut json, &mut summary).unwrap();
//! assert_eq!(summary.publications, 1);
//! assert_eq!(summary.errors, 1); // campaign silence, art. L49
//! ```

#![forbid(unsafe_code)]

pub mod audit;
pub mod check;
pub mod diagnostics;
pub mod field;
#[doc(hidden)]
pub mod fuzzing;
pub mod preflight;
pub mod publication;
pub mod report;
pub mod reschedule;
pub mod rulebook;
pub mod run;
pub mod serve;
pub mod side_file;
pub mod source;
mod syntax;
pub mod time;
pub mod waiver;
