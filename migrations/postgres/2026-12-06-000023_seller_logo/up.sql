-- The seller's logo (optional, issue 18): drawn at the top of every
-- invoice finalized while it is set. One row at most, id 'seller'; the
-- bytes decide the type (PNG or JPEG), as for an organisation's logo.
CREATE TABLE seller_logo (
    id TEXT PRIMARY KEY NOT NULL,
    content_type TEXT NOT NULL,
    data BYTEA NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    byte_size INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
