"""Schools and their classes: teachers joining a school, the rules of class-mode
offerings, registering whole classes for sessions (seats are pupils), the back office's
lists and exports, reminders and the reach the indicator store counts.

The seat engine (services.schools.seats) and the checks of services.schools.rules that only
the registering functions use stay inside the package."""

from app.services.schools.exports import export_classes
from app.services.schools.listing import (
    ClassFilters,
    class_counts,
    get_school_registration,
    list_classes,
    school_registrations,
)
from app.services.schools.membership import (
    accept_invitation,
    add_teacher,
    approve_school,
    decide_membership,
    get_membership_for,
    get_proposal,
    invite,
    is_coordinator,
    joinable_schools,
    live_membership,
    memberships_to_decide,
    pending_proposals,
    read_invitation,
    request_membership,
    school_of,
)
from app.services.schools.places import (
    ClassRefused,
    change_pupils,
    confirm_class,
    end_class,
    end_offering_classes,
    live_classes,
    move_class,
    register_class,
)
from app.services.schools.reach import Reach, mark_present, reach
from app.services.schools.reminders import remind_headcounts
from app.services.schools.rules import (
    ClassDetails,
    SessionSeats,
    before_deadline,
    check_open,
    class_offering,
    group_key,
    places_left,
    rules_of,
    session_seats,
)
from app.services.schools.settings import save_rules

__all__ = [
    "ClassDetails",
    "ClassFilters",
    "ClassRefused",
    "Reach",
    "SessionSeats",
    "accept_invitation",
    "add_teacher",
    "approve_school",
    "before_deadline",
    "change_pupils",
    "check_open",
    "class_counts",
    "class_offering",
    "confirm_class",
    "decide_membership",
    "end_class",
    "end_offering_classes",
    "export_classes",
    "get_membership_for",
    "get_proposal",
    "get_school_registration",
    "group_key",
    "invite",
    "is_coordinator",
    "joinable_schools",
    "list_classes",
    "live_classes",
    "live_membership",
    "mark_present",
    "memberships_to_decide",
    "move_class",
    "pending_proposals",
    "places_left",
    "reach",
    "read_invitation",
    "register_class",
    "remind_headcounts",
    "request_membership",
    "rules_of",
    "save_rules",
    "school_of",
    "school_registrations",
    "session_seats",
]
