-- Less for a reader of the database to learn from the search index (docs/security.md
-- §5): a token no longer says whether it is a whole word or a prefix. The flag was
-- never read: the two kinds are keyed under different domains, so a query knows which
-- of its tokens is which. With it, a reader saw each name's word count and, beside
-- the prefix chain, each word's length directly. (Dropping a column is instant; its
-- bytes go as rows are rewritten.)
ALTER TABLE search_tokens DROP COLUMN exact;
