//! The generated kallglot client's long-running helpers (`x-long-running` on `createAnalysis`)
//! against the embedded mock: `create_analysis_and_wait` and `wait_for_analysis` end with the
//! completed analysis, with the typed failure, or with the timeout, on time.
//!
//! Every test runs on a paused tokio clock, which the mock's analyses follow (they finish
//! `processing_delay` after their creation on that clock): the spec's 2 s interval and 120 s
//! timeout cost no real time, and elapsed times are exact.

mod support;

use std::time::Duration;

use kallglot_client::types::{
    AnalysisComponent, AnalysisRequest, AnalysisStatus, CreateAnalysisRequest, SessionId,
};
use kallglot_client::{Client, Error, WaitError, WaitOptions};
use support::*;
use tokio::time::Instant;

const SPEC: &str = "spec/kallglot.yaml";
/// The spec's `poll-interval-seconds`.
const INTERVAL: Duration = Duration::from_secs(2);

async fn mock_taking(processing: Duration) -> conformance::mock::RunningMock {
    let options = conformance::mock::MockOptions {
        processing_delay: processing,
        ..fast_options()
    };
    start(SPEC, options).await
}

fn session(id: &str) -> SessionId {
    SessionId::new(id).unwrap_or_else(|err| panic!("{id} is a session id: {err}"))
}

fn request(include: Vec<AnalysisComponent>) -> CreateAnalysisRequest {
    CreateAnalysisRequest::AnalysisRequest(AnalysisRequest {
        include: Some(include),
        ..AnalysisRequest::default()
    })
}

#[tokio::test(start_paused = true)]
async fn create_and_wait_returns_the_completed_analysis_with_the_requested_components() {
    let mock = mock_taking(Duration::from_secs(5)).await;
    let client = Client::new(mock.base_url()).with_bearer_auth(ACME);
    let started = Instant::now();
    let analysis = client
        .create_analysis_and_wait(
            &session(SESSION),
            Some(&request(vec![
                AnalysisComponent::Sentiment,
                AnalysisComponent::Keywords,
            ])),
            WaitOptions::new(),
        )
        .await
        .unwrap_or_else(|err| panic!("the analysis completes: {err}"));
    let elapsed = started.elapsed();
    assert_eq!(analysis.status, AnalysisStatus::Completed);
    assert!(
        matches!(analysis.completed_at, Some(Some(_))),
        "{analysis:?}"
    );
    assert!(matches!(analysis.sentiment, Some(Some(_))), "{analysis:?}");
    assert!(matches!(analysis.keywords, Some(Some(_))), "{analysis:?}");
    assert!(analysis.compliance.is_none(), "not requested: {analysis:?}");
    assert!(
        analysis.performance.is_none(),
        "not requested: {analysis:?}"
    );
    // Typed headers of the polling operation come with it.
    assert!(analysis.headers().request_id.is_some());
    // Polls at 2 s (processing), then 3 s later (completed at 5 s).
    assert_eq!(elapsed, Duration::from_secs(5), "elapsed {elapsed:?}");
    mock.stop().await;
}

#[tokio::test(start_paused = true)]
async fn an_analysis_that_fails_is_the_typed_failure_with_the_failed_object() {
    let mock = mock_taking(Duration::from_secs(3)).await;
    let client = Client::new(mock.base_url()).with_bearer_auth(ACME);
    let result = client
        .create_analysis_and_wait(&session(SHORT_SESSION), None, WaitOptions::new())
        .await;
    match result {
        Err(WaitError::Failed(failed)) => {
            assert_eq!(failed.status, AnalysisStatus::Failed);
            assert_eq!(failed.status(), 200);
            assert_eq!(failed.session_id.as_str(), SHORT_SESSION);
            assert!(
                matches!(&failed.error, Some(Some(message)) if !message.is_empty()),
                "{failed:?}"
            );
        }
        other => panic!("expected WaitError::Failed: {other:?}"),
    }
    mock.stop().await;
}

#[tokio::test(start_paused = true)]
async fn a_wait_longer_than_its_timeout_times_out_on_time_with_the_last_analysis() {
    let mock = mock_taking(Duration::from_secs(600)).await;
    let client = Client::new(mock.base_url()).with_bearer_auth(ACME);
    let timeout = Duration::from_secs(15);
    let started = Instant::now();
    let result = client
        .create_analysis_and_wait(&session(SESSION), None, WaitOptions::new().timeout(timeout))
        .await;
    let elapsed = started.elapsed();
    match result {
        Err(WaitError::TimedOut {
            timeout: said,
            last,
        }) => {
            assert_eq!(said, timeout);
            let last = last.unwrap_or_else(|| panic!("polls answered"));
            assert_eq!(last.status, AnalysisStatus::Processing);
        }
        other => panic!("expected WaitError::TimedOut: {other:?}"),
    }
    // Polls at 2, 5 and 9.5 s after the create's response; the pause after the last one (6.75 s)
    // is cut at the deadline.
    assert!(
        elapsed >= timeout && elapsed <= timeout + INTERVAL,
        "elapsed {elapsed:?}"
    );
    println!("timed out after {elapsed:?} (timeout {timeout:?})");
    mock.stop().await;
}

#[tokio::test(start_paused = true)]
async fn wait_for_polls_an_analysis_created_earlier_and_reports_poll_errors() {
    let mock = mock_taking(Duration::from_secs(4)).await;
    let client = Client::new(mock.base_url()).with_bearer_auth(ACME);
    let created = client
        .create_analysis(&session(SESSION), None)
        .await
        .unwrap_or_else(|err| panic!("the create is accepted: {err}"));
    assert_eq!(created.status, AnalysisStatus::Processing);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let started = Instant::now();
    let done = client
        .wait_for_analysis(&created.id, WaitOptions::new())
        .await
        .unwrap_or_else(|err| panic!("the analysis completes: {err}"));
    assert_eq!(done.id, created.id);
    assert_eq!(done.status, AnalysisStatus::Completed);
    assert!(matches!(done.completed_at, Some(Some(_))));
    // `wait_for_` polls at once (1 s after the create: processing), then at +2 s and +5 s.
    assert_eq!(started.elapsed(), Duration::from_secs(5));

    // Another organization's analysis reads as unknown: the poll's own typed error.
    let other = Client::new(mock.base_url()).with_bearer_auth(GLOBEX);
    match other
        .wait_for_analysis(&created.id, WaitOptions::new())
        .await
    {
        Err(WaitError::Poll(Error::ErrorResponse(error))) => assert_eq!(error.status(), 404),
        other => panic!("expected a 404 poll error: {other:?}"),
    }
    mock.stop().await;
}

#[tokio::test(start_paused = true)]
async fn a_refused_create_is_the_create_error_and_nothing_is_polled() {
    let mock = mock_taking(Duration::from_secs(1)).await;
    let client = Client::new(mock.base_url()).with_bearer_auth(ACME);
    let started = Instant::now();
    match client
        .create_analysis_and_wait(&session(GLOBEX_SESSION), None, WaitOptions::new())
        .await
    {
        Err(WaitError::Create(Error::ErrorResponse(error))) => {
            assert_eq!(error.status(), 404);
        }
        other => panic!("expected the create's 404: {other:?}"),
    }
    assert_eq!(started.elapsed(), Duration::ZERO);
    mock.stop().await;
}

#[tokio::test(start_paused = true)]
async fn dropping_the_wait_stops_polling() {
    let mock = mock_taking(Duration::from_secs(600)).await;
    let client = Client::new(mock.base_url()).with_bearer_auth(ACME);
    let session = session(SESSION);
    let wait = client.create_analysis_and_wait(&session, None, WaitOptions::new());
    assert!(tokio::time::timeout(Duration::from_secs(7), wait)
        .await
        .is_err());
    // Nothing polls on behalf of the dropped future: the credits it spent stay as they were and
    // the mock serves requests as usual.
    let caller = Caller::new(&mock);
    let before = caller.create(ACME, SESSION, None).await;
    tokio::time::sleep(Duration::from_secs(30)).await;
    let after = caller.create(ACME, SESSION, None).await;
    assert_eq!(
        after.header_number("x-ratelimit-remaining"),
        before.header_number("x-ratelimit-remaining") - 1,
        "no request between the two creates"
    );
    mock.stop().await;
}

/// The same timeout on the real clock, with small intervals: real sockets and real timers agree
/// with the paused-clock tests.
#[tokio::test]
async fn on_the_real_clock_the_timeout_holds_too() {
    let mock = mock_taking(Duration::from_secs(60)).await;
    let client = Client::new(mock.base_url()).with_bearer_auth(ACME);
    let (interval, timeout) = (Duration::from_millis(100), Duration::from_millis(300));
    let options = WaitOptions::new().interval(interval).timeout(timeout);
    let started = std::time::Instant::now();
    let result = client
        .create_analysis_and_wait(&session(SESSION), None, options)
        .await;
    let elapsed = started.elapsed();
    assert!(
        matches!(result, Err(WaitError::TimedOut { last: Some(_), .. })),
        "{result:?}"
    );
    // Measured from before the create, whose round trip (a few ms) comes on top of the timeout.
    assert!(
        elapsed >= timeout && elapsed <= timeout + interval,
        "elapsed {elapsed:?}"
    );
    println!("real clock: timed out after {elapsed:?} (timeout {timeout:?})");
    mock.stop().await;
}
