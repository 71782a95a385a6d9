//! The generated page walks and streams against the embedded mock serving the same fixtures: the
//! client and the mock read `x-pagination`, `x-dropshot-pagination` and the streamed media types
//! from one reading of the spec, so a walk in small pages finds exactly the list one large page
//! shows, and every event and line the mock writes decodes.

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::path::Path;

use conformance::mock::{Mock, MockOptions, RunningMock};
use fixture_tests::{pagination, pagination_real, streaming};

async fn mock(fixture: &str) -> RunningMock {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(format!("{fixture}.yaml"));
    let text = std::fs::read_to_string(&path).expect("the fixture is readable");
    let spec = codegen::load(&format!("{fixture}.yaml"), &text).expect("the fixture loads");
    Mock::new(spec, MockOptions::default())
        .start("127.0.0.1:0")
        .await
        .expect("the mock starts")
}

/// The walk's items are distinct, more than one page's worth, and (where one page can hold the
/// whole list) the very items of that page, in its order.
fn same_list<T: Debug + PartialEq>(walked: &[T], whole: Option<&[T]>, id: impl Fn(&T) -> String) {
    let ids: BTreeSet<String> = walked.iter().map(&id).collect();
    assert_eq!(ids.len(), walked.len(), "an item came twice: {walked:?}");
    assert!(
        walked.len() > 2,
        "the walk stopped after one page: {walked:?}"
    );
    if let Some(whole) = whole {
        assert_eq!(walked, whole);
    }
}

#[tokio::test]
async fn each_declared_style_walks_the_mocks_whole_list_in_small_pages() {
    use pagination::types;
    let served = mock("pagination").await;
    let client = pagination::Client::new(served.base_url());
    let walk_limit = 100;

    let small = types::ListWidgetsOptions {
        limit: Some(2),
        ..Default::default()
    };
    let walked = client
        .list_widgets_all(small, walk_limit)
        .await
        .expect("widgets");
    let large = types::ListWidgetsOptions {
        limit: Some(100),
        ..Default::default()
    };
    let whole = client
        .list_widgets(large)
        .await
        .expect("one page")
        .into_inner()
        .data;
    same_list(&walked, Some(&whole), |w| w.id.clone());

    let small = types::ListChargesOptions {
        limit: Some(2),
        ..Default::default()
    };
    let walked = client
        .list_charges_all(small, walk_limit)
        .await
        .expect("charges");
    let large = types::ListChargesOptions {
        limit: Some(100),
        ..Default::default()
    };
    let whole = client
        .list_charges(large)
        .await
        .expect("one page")
        .into_inner()
        .data;
    same_list(&walked, Some(&whole), |c| c.id.clone());

    let small = types::ListOrdersOptions {
        limit: Some(2),
        ..Default::default()
    };
    let walked = client
        .list_orders_all(small, walk_limit)
        .await
        .expect("orders");
    let large = types::ListOrdersOptions {
        limit: Some(50),
        ..Default::default()
    };
    let whole = client
        .list_orders(large)
        .await
        .expect("one page")
        .into_inner()
        .orders;
    same_list(&walked, Some(&whole), |o| o.id.to_string());

    let small = types::ListPhotosOptions {
        per_page: Some(2),
        ..Default::default()
    };
    let walked = client
        .list_photos_all(small, walk_limit)
        .await
        .expect("photos");
    let large = types::ListPhotosOptions {
        per_page: Some(30),
        ..Default::default()
    };
    let whole = client
        .list_photos(large)
        .await
        .expect("one page")
        .into_inner()
        .photos;
    same_list(&walked, Some(&whole), |p| p.id.to_string());

    // No page size to ask for: the mock's own pages, each followed by its next URL.
    let walked = client
        .list_events_all(Default::default(), walk_limit)
        .await
        .expect("events");
    same_list(&walked, None, |e| e.id.clone());

    let small = types::ListReposOptions {
        per_page: Some(2),
        ..Default::default()
    };
    let walked = client
        .list_repos_all(small, walk_limit)
        .await
        .expect("repos");
    let large = types::ListReposOptions {
        per_page: Some(100),
        ..Default::default()
    };
    let whole = client
        .list_repos(large)
        .await
        .expect("one page")
        .into_inner();
    same_list(&walked, Some(&whole), |r| r.id.to_string());

    let small = types::ListProjectsOptions {
        limit: Some(2),
        ..Default::default()
    };
    let walked = client
        .list_projects_all(small, walk_limit)
        .await
        .expect("projects");
    let large = types::ListProjectsOptions {
        limit: Some(100),
        ..Default::default()
    };
    let whole = client
        .list_projects(large)
        .await
        .expect("one page")
        .into_inner()
        .items;
    same_list(&walked, Some(&whole), |p| p.id.to_string());
    served.stop().await;
}

#[tokio::test]
async fn stripe_and_github_lists_as_written_walk_the_mocks_whole_list() {
    use pagination_real::types;
    let served = mock("pagination_real").await;
    let client = pagination_real::Client::new(served.base_url());

    let small = types::GetTaxCodesOptions {
        limit: Some(2),
        ..Default::default()
    };
    let walked = client
        .get_tax_codes_all(None, small, 100)
        .await
        .expect("tax codes");
    let large = types::GetTaxCodesOptions {
        limit: Some(100),
        ..Default::default()
    };
    let whole = client
        .get_tax_codes(None, large)
        .await
        .expect("one page")
        .into_inner()
        .data;
    same_list(&walked, Some(&whole), |t| t.id.clone());

    let small = types::ReposListTagsOptions {
        per_page: Some(2),
        ..Default::default()
    };
    let walked = client
        .repos_list_tags_all("octocat", "hello-world", small, 100)
        .await
        .expect("tags");
    let large = types::ReposListTagsOptions {
        per_page: Some(100),
        ..Default::default()
    };
    let whole = client
        .repos_list_tags("octocat", "hello-world", large)
        .await
        .expect("one page")
        .into_inner();
    same_list(&walked, Some(&whole), |t| t.name.clone());
    served.stop().await;
}

#[tokio::test]
async fn every_event_and_line_the_mock_streams_decodes() {
    let served = mock("streaming").await;
    let client = streaming::Client::new(served.base_url());

    let mut ticks = client
        .stream_ticks_events("prices", Default::default(), None)
        .await
        .expect("the stream begins")
        .into_inner();
    let mut count = 0;
    while let Some(tick) = ticks.next().await {
        tick.expect("each tick decodes");
        count += 1;
    }
    assert!(count > 0, "the mock sent no tick");

    let mut records = client
        .export_records_items()
        .await
        .expect("the stream begins")
        .into_inner();
    let mut count = 0;
    while let Some(record) = records.next().await {
        record.expect("each record decodes");
        count += 1;
    }
    assert!(count > 0, "the mock sent no record");
    served.stop().await;
}
