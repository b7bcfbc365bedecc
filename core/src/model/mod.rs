//! Plain data: every type a caller sends or receives. No logic beyond naming and
//! simple derived views; rules live in `validate` and `consent`, operations in `book`.

mod activity;
mod change;
mod channel;
mod consent;
mod contact;
mod export;
mod field;
mod import;
mod instant;
mod patch;
mod place;
mod segment;

pub use activity::*;
pub use change::*;
pub use channel::*;
pub use consent::*;
pub use contact::*;
pub use export::ContactExport;
pub use field::*;
pub use import::*;
pub use patch::Patch;
pub use place::*;
pub use segment::*;
