//! JUnit XML for CI: one test suite per operation, one test case per check, a failure per finding.

use quick_junit::{NonSuccessKind, Report as JunitReport, TestCase, TestCaseStatus, TestSuite};

use super::Report;
use crate::suite::outcome::Verdict;

pub fn render(report: &Report) -> String {
    let mut junit = JunitReport::new("callspec conformance");
    junit.set_time(report.elapsed);
    let mut suites: Vec<TestSuite> = Vec::new();
    for result in &report.results {
        let index = match suites
            .iter()
            .position(|s| s.name.as_str() == result.operation)
        {
            Some(index) => index,
            None => {
                suites.push(TestSuite::new(result.operation.clone()));
                suites.len() - 1
            }
        };
        let status = match result.verdict {
            Verdict::Passed => TestCaseStatus::success(),
            Verdict::Skipped => {
                let mut status = TestCaseStatus::skipped();
                if let Some(reason) = &result.skipped {
                    status.set_message(reason.clone());
                }
                status
            }
            Verdict::Failed => {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                let messages: Vec<&str> =
                    result.findings.iter().map(|f| f.message.as_str()).collect();
                status.set_message(messages.first().copied().unwrap_or("failed"));
                status.set_type(result.check);
                let mut description = String::new();
                for finding in &result.findings {
                    description.push_str(&finding.message);
                    description.push('\n');
                    if let Some(pointer) = &finding.schema_path {
                        description.push_str(&format!("  spec: #{pointer}\n"));
                    }
                    if let Some(exchange) = finding.exchange.and_then(|id| report.exchange(id)) {
                        description
                            .push_str(&format!("  request: {}\n", exchange.curl(&report.redactor)));
                    }
                }
                status.set_description(description);
                status
            }
        };
        let mut case = TestCase::new(result.check, status);
        case.set_classname(format!("conformance.{}", result.operation));
        suites[index].add_test_case(case);
    }
    junit.add_test_suites(suites);
    junit
        .to_string()
        .unwrap_or_else(|err| format!("<!-- the JUnit report could not be written: {err} -->"))
}
