//! The bottom of the web application: what every page shares and nothing more.
//!
//! * [`layout`]: the layout, its menu and who is signed in ([`layout::Chrome`]), and
//!   rendering a template into a response ([`layout::render`]);
//! * [`error`]: what can go wrong in a request ([`error::WebError`]) and the response each
//!   failure gets; [`error_page`]: the error page itself;
//! * [`format`](mod@format): dates, times, durations, words for codes and pagination, as pages show
//!   them; [`forms`]: form fields, dates and the checks every filter goes through;
//!   [`page_query`]: a page's query string, read with an error page for a malformed one.
//!
//! **Invariant:** nothing here imports a page, an area, the application state or the
//! sign-in machinery: areas build on this module, never the other way round
//! (`tests/layout.rs` checks it).

pub mod error;
pub mod error_page;
pub mod format;
pub mod forms;
pub mod layout;
pub mod page_query;
