//! The body of `addBook` and `replaceBook`, checked against `BookInput` by hand, as the
//! service's own validation would: every constraint of the schema, nothing more.

use serde_json::Value;

pub(crate) const GENRES: [&str; 5] = ["fiction", "non-fiction", "poetry", "drama", "reference"];

/// A valid `BookInput`.
#[derive(Debug, Clone)]
pub(crate) struct BookInput {
    pub isbn: String,
    pub title: String,
    pub authors: Vec<String>,
    pub published_year: Option<i64>,
    pub genre: Option<String>,
    pub available: bool,
}

/// `value` as a `BookInput`; properties the schema does not list are refused unless
/// `ignore_unknown`.
pub(crate) fn book_input(value: &Value, ignore_unknown: bool) -> Result<BookInput, String> {
    let object = value.as_object().ok_or("the body must be an object")?;
    if !ignore_unknown {
        let listed = [
            "isbn",
            "title",
            "authors",
            "publishedYear",
            "genre",
            "available",
        ];
        if let Some(unknown) = object.keys().find(|key| !listed.contains(&key.as_str())) {
            return Err(format!("unknown property `{unknown}`"));
        }
    }
    let isbn = object
        .get("isbn")
        .ok_or("isbn is required")?
        .as_str()
        .filter(|isbn| is_isbn(isbn))
        .ok_or("isbn must be an ISBN-13 of digits only, starting 978 or 979")?;
    let title = object
        .get("title")
        .ok_or("title is required")?
        .as_str()
        .filter(|title| (1..=300).contains(&title.chars().count()))
        .ok_or("title must be a string of 1 to 300 characters")?;
    let authors = object
        .get("authors")
        .ok_or("authors is required")?
        .as_array()
        .filter(|authors| (1..=20).contains(&authors.len()))
        .ok_or("authors must list 1 to 20 names")?
        .iter()
        .map(|author| {
            author
                .as_str()
                .filter(|name| (1..=100).contains(&name.chars().count()))
                .map(str::to_owned)
                .ok_or("each author must be a name of 1 to 100 characters")
        })
        .collect::<Result<Vec<String>, _>>()?;
    let published_year = match object.get("publishedYear") {
        None => None,
        Some(year) => Some(
            whole(year)
                .filter(|year| (1450..=2100).contains(year))
                .ok_or("publishedYear must be an integer from 1450 to 2100")?,
        ),
    };
    let genre = match object.get("genre") {
        None => None,
        Some(genre) => Some(
            genre
                .as_str()
                .filter(|genre| GENRES.contains(genre))
                .ok_or_else(|| format!("genre must be one of {}", GENRES.join(", ")))?
                .to_owned(),
        ),
    };
    let available = match object.get("available") {
        None => true,
        Some(available) => available.as_bool().ok_or("available must be a boolean")?,
    };
    Ok(BookInput {
        isbn: isbn.to_owned(),
        title: title.to_owned(),
        authors,
        published_year,
        genre,
        available,
    })
}

/// `^97[89][0-9]{10}$`.
fn is_isbn(text: &str) -> bool {
    text.len() == 13
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text.starts_with("978") || text.starts_with("979"))
}

/// A JSON number without a fraction (`1997` or `1997.0`), as JSON Schema's `integer` reads it.
fn whole(value: &Value) -> Option<i64> {
    value.as_i64().or_else(|| {
        value
            .as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 1e15)
            .map(|f| f as i64)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bodies_are_held_to_the_schema() {
        let good = json!({"isbn": "9780140449136", "title": "The Odyssey", "authors": ["Homer"]});
        assert!(book_input(&good, false).is_ok_and(|b| b.available));
        let mut extra = good.clone();
        extra["shelf"] = json!("B2");
        assert!(book_input(&extra, false).is_err());
        assert!(book_input(&extra, true).is_ok());
        let mut bad_isbn = good.clone();
        bad_isbn["isbn"] = json!("978-0140449136");
        assert!(book_input(&bad_isbn, false).is_err());
        let mut year = good.clone();
        year["publishedYear"] = json!(1997.0);
        assert!(book_input(&year, false).is_ok_and(|b| b.published_year == Some(1997)));
        year["publishedYear"] = json!("1997");
        assert!(book_input(&year, false).is_err());
        let mut no_authors = good;
        no_authors["authors"] = json!([]);
        assert!(book_input(&no_authors, false).is_err());
    }
}
