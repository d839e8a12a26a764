"""What users and other tools read: the facts JSON, exports, query answers, reports."""
