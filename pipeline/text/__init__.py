"""Vietnamese-text helpers shared by every stage and extractor.

Tone placement and folding, symbols, syllable tokens, dates and deadlines, document-type
headings, provinces, table cells and cheap pre-scans. Stages (`clean`, `segment`, ...) and
extractors import from here; nothing here imports a stage or an extractor (an import-linter
contract in tests/test_architecture.py keeps it so).
"""
