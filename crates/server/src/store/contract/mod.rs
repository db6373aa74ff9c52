//! The storage contract: what every backend of [`Store`](super::Store)
//! must do, written once against the traits and run by each backend.
//!
//! Each case is a plain `async fn(Arc<dyn Store>)` in a topic file; it
//! may use the traits, domain types and public store types only (no SQL,
//! nothing of a backend), so a new backend passes the same suite
//! unchanged. [`store_contract_tests!`] turns every case into a test of
//! the backend that invokes it:
//!
//! ```ignore
//! async fn fresh() -> (Arc<dyn Store>, TempDir) { ... }
//! crate::store::contract::store_contract_tests!(fresh());
//! ```
//!
//! The expression is evaluated (and awaited) once per case: it must give
//! a new, empty store and whatever has to outlive it (a temporary
//! directory, a database schema), dropped after the case.
//!
//! Decisions in the cases are mostly the real rules of `crate::domain`;
//! some are closures that refuse, record the facts they are shown
//! (`helpers::peek`), or return a plan the rules would not, to pin what a
//! backend does with any plan.

pub(super) mod accounts;
pub(super) mod catalogue;
pub(super) mod concurrency;
mod helpers;
pub(super) mod history;
pub(super) mod messages;
pub(super) mod relations;
pub(super) mod sending;
pub(super) mod sessions;
pub(super) mod settings;
pub(super) mod tags;

/// Expands to one `#[tokio::test]` per contract case, grouped in a module
/// per topic, each running the case on a store made by `$make` (a future
/// of `(Arc<dyn Store>, guard)`). A case missing from the list is dead
/// code, which `cargo clippy -- -D warnings` (and so CI) refuses, so none
/// is forgotten.
macro_rules! store_contract_tests {
    ($make:expr) => {
        $crate::store::contract::store_contract_tests!(@topics ($make)
            accounts {
                new_users_take_the_mid_their_decision_picks,
                a_refused_user_is_not_created,
                profile_updates_change_only_the_fields_given,
                profile_decisions_see_existence_and_taken_names,
                credentials_are_found_by_name_or_mid,
                login_sessions_live_until_they_expire,
                a_new_login_forgets_the_users_expired_sessions,
                writes_after_close_fail_as_closed,
            }
            relations {
                modify_decisions_see_existence_both_directions_and_counts,
                a_refused_modify_writes_nothing,
                follows_quiet_follows_and_blocks_are_counted_on_both_sides,
                every_change_steps_the_version_of_both_users,
                plan_writes_are_applied_in_order,
                becoming_mutual_refreshes_the_other_side,
                blocking_ends_the_targets_follow,
                relations_are_read_in_the_order_given,
                lists_are_newest_first_with_totals_and_pages,
                quiet_follows_and_blocks_have_lists_of_their_own,
                friends_and_common_follows,
            }
            tags {
                creating_a_group_sees_its_name_and_the_count,
                renaming_a_group_sees_whose_it_is,
                edit_decisions_see_named_groups_and_members,
                edits_set_copy_and_move_members,
                a_refused_edit_changes_no_one,
                group_lists_belong_to_their_owner,
                deleting_a_group_keeps_its_members_followed,
                a_follow_that_ends_or_is_remade_leaves_its_groups,
            }
            sending {
                send_decisions_see_the_conversation,
                send_decisions_see_uploaded_images,
                a_refused_send_writes_nothing,
                retries_within_their_window_answer_the_first_send,
                a_stopped_sender_stays_stopped_until_then,
            }
            messages {
                stored_messages_take_gap_free_seqnos_and_increasing_keys,
                drafts_keep_every_field,
                a_first_message_to_a_stranger_comes_with_a_tip_for_the_sender,
                a_draft_shown_to_one_side_moves_only_that_side,
                unread_counts_follow_the_talkers_messages,
                recalls_see_their_target_and_mark_it,
                a_tip_is_no_recall_target,
                sends_create_both_sessions,
            }
            history {
                history_pages_between_exclusive_bounds,
                history_shows_each_side_only_what_it_sees,
            }
            sessions {
                session_lists_are_newest_first_and_page_by_time,
                session_lists_filter_by_follow_and_interception,
                a_removed_session_is_hidden_until_the_next_message,
                read_time_orders_sessions_by_their_last_read,
                reading_moves_the_position_and_recounts_unread,
                a_read_that_does_not_move_changes_nothing,
                change_session_sees_the_state_and_applies_the_decision,
                change_intercepted_touches_only_intercepted_sessions,
                unread_sessions_are_those_with_unread_messages,
            }
            settings {
                message_settings_round_trip,
            }
            catalogue {
                emotes_are_put_replaced_and_deleted,
                keyword_rules_are_put_replaced_and_deleted,
                uploads_are_recorded_once,
            }
            concurrency {
                concurrent_sends_keep_seqnos_gap_free_and_keys_unique,
                of_two_concurrent_first_messages_to_a_stranger_one_is_admitted,
                concurrent_follows_are_all_counted,
                concurrent_new_users_each_get_a_mid_of_their_own,
            }
        );
    };
    (@topics ($make:expr) $($topic:ident { $($case:ident),* $(,)? })*) => {
        $(
            mod $topic {
                #[allow(unused_imports)]
                use super::*;
                $(
                    #[::tokio::test(flavor = "multi_thread", worker_threads = 2)]
                    async fn $case() {
                        let (store, _guard) = $make.await;
                        $crate::store::contract::$topic::$case(store).await;
                    }
                )*
            }
        )*
    };
}

pub(crate) use store_contract_tests;
