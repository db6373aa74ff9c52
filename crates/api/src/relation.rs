//! Wire types of the user-relation family (`/x/relation/...`).
