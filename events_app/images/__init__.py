"""Cover images: checking what is uploaded or fetched, storing its variants under the media
directory, and naming them for pages (see docs/features/images.md)."""
