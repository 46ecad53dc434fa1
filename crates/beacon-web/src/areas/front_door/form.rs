//! What every front-door form carries, read from its body: the answers so far (as
//! hidden fields, never in the address), the signed form token, the honeypot, and which
//! page to show next; and the token itself (issued when the questions start, signed
//! with the server's key, carrying the moment it was issued).

use crate::chrome::forms::Fields;
use beacon_app::front_door::{Answers, Page};
use beacon_notify::AckSigner;
use time::{Duration, OffsetDateTime};

/// How long the questions may take before the form must be started again.
pub const FORM_LIFETIME: Duration = Duration::hours(2);

/// The largest front-door request kept: room for a 1 MB answer, so that it gets an
/// error summary rather than a bare refusal, and no more.
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// The name of the honeypot field: hidden from people, tempting to scripts.
pub const HONEYPOT: &str = "website";

/// Front-door tokens are signed numbers below every sign-in nonce (which lie in
/// `-2^32..0`) and every digest id (positive), so no other token Beacon signs reads
/// as one: `-(TAG + (issued_unix << 20 | nonce))`.
const TAG: i64 = 1 << 52;

/// A new form token, issued `now`.
pub fn issue_token(signer: &AckSigner, now: OffsetDateTime) -> String {
    let nonce = i64::from(rand::random::<u32>() & 0xF_FFFF);
    let issued = now.unix_timestamp().max(0);
    signer.sign(-(TAG + ((issued << 20) | nonce)), now + FORM_LIFETIME)
}

/// Why a form's token was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenProblem {
    /// Missing, changed, or not the front door's.
    Invalid,
    /// Older than [`FORM_LIFETIME`].
    Expired,
}

/// When a genuine token was issued.
pub fn token_issued(
    signer: &AckSigner,
    token: &str,
    now: OffsetDateTime,
) -> Result<OffsetDateTime, TokenProblem> {
    if token.is_empty() || token.len() > 200 {
        return Err(TokenProblem::Invalid);
    }
    let signed = signer.verify(token, now).map_err(|error| match error {
        beacon_notify::AckError::Expired => TokenProblem::Expired,
        _ => TokenProblem::Invalid,
    })?;
    let packed = signed
        .checked_neg()
        .and_then(|value| value.checked_sub(TAG))
        .filter(|value| *value >= 0)
        .ok_or(TokenProblem::Invalid)?;
    OffsetDateTime::from_unix_timestamp(packed >> 20).map_err(|_| TokenProblem::Invalid)
}

/// The answer fields each page asks, by name (the names the forms use).
pub fn fields_of(page: Page) -> &'static [&'static str] {
    match page {
        Page::Who => &["reporter"],
        Page::What => &["what"],
        Page::When => &["when-day", "when-month", "when-year", "when-unsure"],
        Page::Money => &["lost", "amount"],
        Page::Contact => &["contact"],
        Page::Business => &["size", "sector"],
        Page::Where => &["place"],
        Page::Describe => &["description"],
        Page::Check => &[],
        Page::Consent => &["consent"],
    }
}

/// Every answer field, in page order.
pub fn all_fields() -> impl Iterator<Item = &'static str> {
    Page::ALL
        .into_iter()
        .flat_map(|page| fields_of(page).iter().copied())
}

/// An answer by its field name.
pub fn answer<'a>(answers: &'a Answers, name: &str) -> &'a str {
    match name {
        "reporter" => &answers.reporter,
        "what" => &answers.what,
        "when-day" => &answers.when_day,
        "when-month" => &answers.when_month,
        "when-year" => &answers.when_year,
        "when-unsure" => &answers.when_unsure,
        "lost" => &answers.lost,
        "amount" => &answers.amount,
        "contact" => &answers.contact,
        "size" => &answers.size,
        "sector" => &answers.sector,
        "place" => &answers.place,
        "description" => &answers.description,
        "consent" => &answers.consent,
        _ => "",
    }
}

/// A posted front-door form.
#[derive(Debug, Clone, Default)]
pub struct Posted {
    /// The answers so far.
    pub answers: Answers,
    /// The form token, as sent.
    pub token: String,
    /// The honeypot's value (people leave it empty).
    pub honeypot: String,
    /// The page whose answers this form sends, when it sends some.
    pub from: Option<Page>,
    /// A page to show as it is (the Back button), answers unchecked.
    pub show: Option<Page>,
    /// A page to change from check your answers (its Change button).
    pub change: Option<Page>,
    /// Whether the page was opened from check your answers, to go back there.
    pub returning: bool,
}

impl Posted {
    /// Reads the form's fields (repeated fields: the first counts).
    pub fn read(fields: &[(String, String)]) -> Posted {
        let fields = Fields(fields);
        let page = |name: &str| Page::from_slug(&fields.one(name));
        // The description keeps its line breaks inside; every other answer is one word.
        let description = fields
            .0
            .iter()
            .find(|(key, _)| key == "description")
            .map(|(_, value)| value.trim().replace("\r\n", "\n"))
            .unwrap_or_default();
        Posted {
            answers: Answers {
                reporter: fields.one("reporter"),
                what: fields.one("what"),
                when_day: fields.one("when-day"),
                when_month: fields.one("when-month"),
                when_year: fields.one("when-year"),
                when_unsure: fields.one("when-unsure"),
                lost: fields.one("lost"),
                amount: fields.one("amount"),
                contact: fields.one("contact"),
                size: fields.one("size"),
                sector: fields.one("sector"),
                place: fields.one("place"),
                description,
                consent: fields.one("consent"),
            },
            token: fields.one("token"),
            honeypot: fields.one(HONEYPOT),
            from: page("from"),
            show: page("show"),
            change: page("change"),
            returning: fields.one("return") == "check",
        }
    }
}

/// The most of a too-large body read (and thrown away) before answering: a browser
/// that is still sending when the answer comes and the connection closes shows a
/// connection error instead of the page, so bodies up to this size are read to the end.
pub const DRAIN_LIMIT: usize = 32 * 1024 * 1024;

/// A front-door form's body as read: its fields, or why they could not be read.
pub enum Body {
    /// The fields, in order.
    Fields(Vec<(String, String)>),
    /// Larger than [`BODY_LIMIT`].
    TooLarge,
    /// Not a form, or the connection failed.
    Unreadable,
}

/// A front-door form, read with the area's own size limit (never a bare refusal: a
/// body too large is read to the end, up to [`DRAIN_LIMIT`], and answered with a page).
pub struct FrontDoorForm(pub Body);

impl<S: Send + Sync> axum::extract::FromRequest<S> for FrontDoorForm {
    type Rejection = std::convert::Infallible;

    async fn from_request(
        request: axum::extract::Request,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        use http_body::Body as _;
        let (parts, body) = request.into_parts();
        let mut body = std::pin::pin!(body);
        let mut kept: Vec<u8> = Vec::new();
        let mut total = 0usize;
        while let Some(frame) = std::future::poll_fn(|cx| body.as_mut().poll_frame(cx)).await {
            let Ok(frame) = frame else {
                return Ok(FrontDoorForm(Body::Unreadable));
            };
            let Ok(data) = frame.into_data() else {
                continue;
            };
            total = total.saturating_add(data.len());
            if total <= BODY_LIMIT {
                kept.extend_from_slice(&data);
            } else if total > DRAIN_LIMIT {
                break;
            }
        }
        if total > BODY_LIMIT {
            return Ok(FrontDoorForm(Body::TooLarge));
        }
        let request = axum::extract::Request::from_parts(parts, axum::body::Body::from(kept));
        Ok(FrontDoorForm(
            match axum::Form::<Vec<(String, String)>>::from_request(request, state).await {
                Ok(axum::Form(fields)) => Body::Fields(fields),
                Err(_) => Body::Unreadable,
            },
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-12-06 10:00 UTC);

    #[test]
    fn a_token_carries_its_issue_time_for_two_hours() {
        let signer = AckSigner::new(b"front door tests");
        let token = issue_token(&signer, NOW);
        assert_eq!(
            token_issued(&signer, &token, NOW + Duration::minutes(5)),
            Ok(NOW)
        );
        assert_eq!(
            token_issued(&signer, &token, NOW + FORM_LIFETIME),
            Err(TokenProblem::Expired)
        );
        let other = AckSigner::new(b"another server");
        assert_eq!(
            token_issued(&other, &token, NOW),
            Err(TokenProblem::Invalid)
        );
        assert_eq!(token_issued(&signer, "", NOW), Err(TokenProblem::Invalid));
    }

    #[test]
    fn other_signed_tokens_are_not_front_door_tokens() {
        let signer = AckSigner::new(b"front door tests");
        let later = NOW + Duration::hours(1);
        // A digest's acknowledgement link and a sign-in form's token.
        for signed in [42, -1, -(1 << 32)] {
            let token = signer.sign(signed, later);
            assert_eq!(
                token_issued(&signer, &token, NOW),
                Err(TokenProblem::Invalid)
            );
        }
    }
}
