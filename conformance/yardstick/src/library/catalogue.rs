//! The library API's state: every account's books in one map by id, each knowing its account
//! (the token that added it) and its version, which its ETag names.

use std::collections::BTreeMap;

use super::input::BookInput;
use crate::timestamp;

/// A stored book.
#[derive(Debug, Clone)]
pub(crate) struct Book {
    pub id: u64,
    /// The token of the account that owns it.
    pub account: String,
    pub input: BookInput,
    /// Seconds since the epoch.
    pub added_at: u64,
    /// Counts replacements; part of the ETag.
    pub version: u64,
}

impl Book {
    /// The strong ETag of this version.
    pub(crate) fn etag(&self) -> String {
        format!("\"b{}v{}\"", self.id, self.version)
    }
}

#[derive(Debug)]
pub(crate) struct Catalogue {
    books: BTreeMap<u64, Book>,
    last: u64,
}

impl Catalogue {
    /// Three books of the first account and two of the second.
    pub(crate) fn seeded(accounts: [&str; 2]) -> Self {
        let mut store = Self {
            books: BTreeMap::new(),
            last: 0,
        };
        let seeds = [
            (0, "9780140449136", "The Odyssey", "Homer", 1997, "poetry"),
            (
                0,
                "9780141439518",
                "Pride and Prejudice",
                "Jane Austen",
                2003,
                "fiction",
            ),
            (
                0,
                "9780262033848",
                "Introduction to Algorithms",
                "Thomas H. Cormen",
                2009,
                "reference",
            ),
            (
                1,
                "9780451524935",
                "Nineteen Eighty-Four",
                "George Orwell",
                1961,
                "fiction",
            ),
            (
                1,
                "9780140449266",
                "The Histories",
                "Herodotus",
                2003,
                "non-fiction",
            ),
        ];
        for (account, isbn, title, author, year, genre) in seeds {
            store.add(
                accounts[account],
                BookInput {
                    isbn: isbn.into(),
                    title: title.into(),
                    authors: vec![author.into()],
                    published_year: Some(year),
                    genre: Some(genre.into()),
                    available: true,
                },
            );
        }
        store
    }

    /// A new book of `account`, stored.
    pub(crate) fn add(&mut self, account: &str, input: BookInput) -> Book {
        let book = self.next(account, input);
        self.put(book.clone());
        book
    }

    /// A new book of `account` with the next id, not yet stored.
    pub(crate) fn next(&mut self, account: &str, input: BookInput) -> Book {
        self.last += 1;
        Book {
            id: self.last,
            account: account.to_owned(),
            input,
            added_at: timestamp::now(),
            version: 1,
        }
    }

    pub(crate) fn put(&mut self, book: Book) {
        self.books.insert(book.id, book);
    }

    /// Book `id` when `account` owns it (any account's when `account` is `None`).
    pub(crate) fn find(&self, id: u64, account: Option<&str>) -> Option<&Book> {
        self.books
            .get(&id)
            .filter(|book| account.is_none_or(|a| book.account == a))
    }

    pub(crate) fn remove(&mut self, id: u64) -> Option<Book> {
        self.books.remove(&id)
    }

    /// Page `page` (from 1) of `account`'s books, `per_page` a page, by id; and whether a further
    /// page holds books.
    pub(crate) fn page(&self, account: &str, page: u64, per_page: u64) -> (Vec<&Book>, bool) {
        let skip = (page - 1).saturating_mul(per_page);
        let mut rest = self
            .books
            .values()
            .filter(|book| book.account == account)
            .skip(usize::try_from(skip).unwrap_or(usize::MAX));
        let books: Vec<&Book> = rest
            .by_ref()
            .take(usize::try_from(per_page).unwrap_or(usize::MAX))
            .collect();
        let more = rest.next().is_some();
        (books, more)
    }
}
