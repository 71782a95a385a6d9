//! The mistakes a yardstick server can be told to make: one realistic mistake each, every one a
//! real violation of its API's own spec (the doc comment of each variant says which statement it
//! breaks). Faults of one API mean nothing to the other.

use std::fmt;
use std::str::FromStr;

use crate::Api;

/// One seeded mistake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fault {
    /// Notes: a note that was never changed has no `updated_at` (it is set by the first PATCH).
    /// Breaks `Note.required`, which lists `updated_at`.
    NoteMissingUpdatedAt,
    /// Notes: a note created without `status` reads as status `new`, the name of an older
    /// version. Breaks the `Status` enum (`draft`, `published`, `archived`) and `NewNote`'s
    /// default `draft`.
    NoteStatusOutsideEnum,
    /// Notes: error responses lack `X-Request-Id` (the middleware only runs on success). Breaks
    /// the required `X-Request-Id` header of every error response.
    NoteRequestIdMissingOnErrors,
    /// Notes: problem details are sent as `application/json`. Breaks the error responses'
    /// `content`, which documents only `application/problem+json`.
    NoteProblemAsJson,
    /// Notes: a create answers 200. Breaks `create_note`'s responses, which document 201 and
    /// no other success.
    NoteCreateAnswers200,
    /// Notes: a title longer than 100 characters (the spec allows 200) makes storage fail with a
    /// 500. Breaks the `title` schema's `maxLength: 200` promise and the absence of any 5xx.
    NoteLongTitle500,
    /// Notes: a `limit` above 50 is served (capped) instead of refused. Breaks the `limit`
    /// parameter's `maximum: 50` and the documented 400.
    NoteLimitMaximumIgnored,
    /// Notes: listing works without an API key (or with a wrong one) and answers an empty page.
    /// Breaks the document's `security` (every operation needs `api_key`) and the 401.
    NoteListWithoutKey,
    /// Notes: PATCH and DELETE find notes of every tenant (reads are still scoped). Breaks "a
    /// note of another tenant is answered exactly like an unknown one (404), whether it is
    /// read, changed or deleted".
    NoteOtherTenantCanChange,
    /// Notes: a create answers 201 with the note, but the note is never stored. Breaks "a
    /// created note can be read at its `Location` until it is deleted".
    NoteCreatedUnreadable,
    /// Notes: PATCH answers the changed note but does not store it. Breaks "the change is
    /// stored: later reads return the changed note".
    NotePatchNotPersisted,
    /// Notes: DELETE answers 204 but the note stays readable. Breaks "a deleted note is gone
    /// (404)".
    NoteDeleteKeepsNote,
    /// Notes: the next page starts at the last note of the previous one, not after it, so that
    /// note is listed twice (and with `limit=1` the list never ends). Breaks "following
    /// `next_cursor` from the first page visits every note of the tenant exactly once".
    NotePaginationRepeatsItem,
    /// Notes: reading an id that no tenant has answers 200 with an empty placeholder note.
    /// Breaks `get_note`'s 404, "no note of the tenant has this id".
    NoteUnknownId200,
    /// Library: `publishedYear` is sent as a string (`"1997"`). Breaks `Book.publishedYear`,
    /// `type: integer`.
    BookYearAsString,
    /// Library: ISBNs are sent hyphenated (`978-0140449136`). Breaks the `Isbn` pattern
    /// `^97[89][0-9]{10}$`.
    BookIsbnWithHyphens,
    /// Library: `RateLimit-Reset` is an HTTP date, not a number of seconds. Breaks the header's
    /// schema, `type: integer`.
    LibraryResetAsDate,
    /// Library: a fetched book is sent as `text/plain`. Breaks `fetchBook`'s 200 `content`,
    /// which documents only `application/json`.
    BookAsTextPlain,
    /// Library: a removal answers 200 with the removed book. Breaks `removeBook`'s responses,
    /// which document 204 and no other success.
    BookRemoveAnswers200,
    /// Library: a `bookId` beyond 32 bits (the spec allows up to 2^53 - 1) answers 500. Breaks
    /// the `bookId` schema's `maximum` promise and the absence of any 5xx.
    BookLargeId500,
    /// Library: properties that `BookInput` does not list are ignored instead of refused.
    /// Breaks `BookInput`'s `additionalProperties: false` and the documented 400.
    BookUnknownFieldsAccepted,
    /// Library: any bearer token is accepted, an unknown one as a new, empty account. Breaks the
    /// `bearerAuth` requirement and the 401 "one no account has".
    LibraryAnyBearerAccepted,
    /// Library: fetching finds books of every account. Breaks "a book of another account is
    /// answered like one that does not exist (404)".
    BookOtherAccountCanRead,
    /// Library: PUT answers the new book but does not store it. Breaks "later fetches return
    /// it, with a new ETag".
    BookPutNotPersisted,
    /// Library: every page links a next page, the last (and every empty one after it) too.
    /// Breaks "`rel=\"next\"` is sent exactly when a further page holds books, so following it
    /// ends".
    LibraryPaginationNeverEnds,
    /// Library: `If-None-Match` is ignored; a matching ETag still gets 200 with the book. Breaks
    /// "the server MUST answer 304 Not Modified".
    BookIfNoneMatchIgnored,
    /// Library: `RateLimit-Remaining` never goes down. Breaks "decreases by one with each
    /// request it makes".
    LibraryRemainingConstant,
    /// Library: a method a path does not take is answered 404, as if the path did not exist.
    /// Breaks "a method a path does not take is answered 405 with `Allow`" (RFC 9110
    /// §15.5.6, which the spec's description says the API follows).
    LibraryUnknownMethod404,
    /// Library: an added book's `id` in the 201 body is not the id it is stored under. Breaks
    /// the link `FetchAddedBook` (`bookId` = `$response.body#/id`: "the book just added").
    BookAddedIdWrong,
}

impl Fault {
    /// Every fault: the notes API's, then the library's.
    pub const ALL: [Fault; 29] = [
        Fault::NoteMissingUpdatedAt,
        Fault::NoteStatusOutsideEnum,
        Fault::NoteRequestIdMissingOnErrors,
        Fault::NoteProblemAsJson,
        Fault::NoteCreateAnswers200,
        Fault::NoteLongTitle500,
        Fault::NoteLimitMaximumIgnored,
        Fault::NoteListWithoutKey,
        Fault::NoteOtherTenantCanChange,
        Fault::NoteCreatedUnreadable,
        Fault::NotePatchNotPersisted,
        Fault::NoteDeleteKeepsNote,
        Fault::NotePaginationRepeatsItem,
        Fault::NoteUnknownId200,
        Fault::BookYearAsString,
        Fault::BookIsbnWithHyphens,
        Fault::LibraryResetAsDate,
        Fault::BookAsTextPlain,
        Fault::BookRemoveAnswers200,
        Fault::BookLargeId500,
        Fault::BookUnknownFieldsAccepted,
        Fault::LibraryAnyBearerAccepted,
        Fault::BookOtherAccountCanRead,
        Fault::BookPutNotPersisted,
        Fault::LibraryPaginationNeverEnds,
        Fault::BookIfNoneMatchIgnored,
        Fault::LibraryRemainingConstant,
        Fault::LibraryUnknownMethod404,
        Fault::BookAddedIdWrong,
    ];

    /// The kebab-case name `--fault` takes.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Fault::NoteMissingUpdatedAt => "note-missing-updated-at",
            Fault::NoteStatusOutsideEnum => "note-status-outside-enum",
            Fault::NoteRequestIdMissingOnErrors => "note-request-id-missing-on-errors",
            Fault::NoteProblemAsJson => "note-problem-as-json",
            Fault::NoteCreateAnswers200 => "note-create-answers-200",
            Fault::NoteLongTitle500 => "note-long-title-500",
            Fault::NoteLimitMaximumIgnored => "note-limit-maximum-ignored",
            Fault::NoteListWithoutKey => "note-list-without-key",
            Fault::NoteOtherTenantCanChange => "note-other-tenant-can-change",
            Fault::NoteCreatedUnreadable => "note-created-unreadable",
            Fault::NotePatchNotPersisted => "note-patch-not-persisted",
            Fault::NoteDeleteKeepsNote => "note-delete-keeps-note",
            Fault::NotePaginationRepeatsItem => "note-pagination-repeats-item",
            Fault::NoteUnknownId200 => "note-unknown-id-200",
            Fault::BookYearAsString => "book-year-as-string",
            Fault::BookIsbnWithHyphens => "book-isbn-with-hyphens",
            Fault::LibraryResetAsDate => "library-reset-as-date",
            Fault::BookAsTextPlain => "book-as-text-plain",
            Fault::BookRemoveAnswers200 => "book-remove-answers-200",
            Fault::BookLargeId500 => "book-large-id-500",
            Fault::BookUnknownFieldsAccepted => "book-unknown-fields-accepted",
            Fault::LibraryAnyBearerAccepted => "library-any-bearer-accepted",
            Fault::BookOtherAccountCanRead => "book-other-account-can-read",
            Fault::BookPutNotPersisted => "book-put-not-persisted",
            Fault::LibraryPaginationNeverEnds => "library-pagination-never-ends",
            Fault::BookIfNoneMatchIgnored => "book-if-none-match-ignored",
            Fault::LibraryRemainingConstant => "library-remaining-constant",
            Fault::LibraryUnknownMethod404 => "library-unknown-method-404",
            Fault::BookAddedIdWrong => "book-added-id-wrong",
        }
    }

    /// The API whose server makes this mistake.
    #[must_use]
    pub fn api(self) -> Api {
        if (self as usize) < (Fault::BookYearAsString as usize) {
            Api::Notes
        } else {
            Api::Library
        }
    }

    /// The faults of `api`, in the order of [`Fault::ALL`].
    pub fn of(api: Api) -> impl Iterator<Item = Fault> {
        Fault::ALL
            .into_iter()
            .filter(move |fault| fault.api() == api)
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is no fault's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownFault(pub String);

impl fmt::Display for UnknownFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = Fault::ALL.iter().map(|fault| fault.name()).collect();
        write!(f, "no fault `{}`; the faults: {}", self.0, names.join(", "))
    }
}

impl std::error::Error for UnknownFault {}

impl FromStr for Fault {
    type Err = UnknownFault;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Fault::ALL
            .into_iter()
            .find(|fault| fault.name() == name)
            .ok_or_else(|| UnknownFault(name.to_owned()))
    }
}

/// The faults a server was started with.
#[derive(Debug, Clone, Default)]
pub(crate) struct Faults(Vec<Fault>);

impl Faults {
    pub(crate) fn new(faults: &[Fault]) -> Self {
        Self(faults.to_vec())
    }

    /// Whether the server makes this mistake.
    pub(crate) fn has(&self, fault: Fault) -> bool {
        self.0.contains(&fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_reads_back_and_each_api_has_its_faults() {
        for fault in Fault::ALL {
            assert_eq!(fault.to_string().parse::<Fault>(), Ok(fault));
        }
        assert!("no-such-fault".parse::<Fault>().is_err());
        assert_eq!(Fault::of(Api::Notes).count(), 14);
        assert_eq!(Fault::of(Api::Library).count(), 15);
        assert!(Fault::of(Api::Library).all(|f| !f.name().starts_with("note")));
    }
}
