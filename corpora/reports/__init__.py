"""One parser per source report: each turns a report's text lines into corpus rows."""
