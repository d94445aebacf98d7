"""What the tests share: small hand cases, the malformed-workbook corpus, the public stress network, CLI and file checks."""
