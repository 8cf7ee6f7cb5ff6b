"""Small pure functions from a Doc (and its Article) to Mentions with character offsets."""
