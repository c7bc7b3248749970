"""Teams: created, renamed, removed and joined by those allowed to, each change logged."""

import pytest

from app.models.entities import ConfigChange, User
from app.models.permissions import RolePermissionError
from app.models.teams import (
    TEAMS_AREA,
    create_team,
    remove_team,
    rename_team,
    set_user_team,
    team_members,
    teams,
)
from app.models.text_rules import FieldProblemsError


def test_teams_are_listed_in_order_with_their_active_members(leader, advisor, colleague):
    north = create_team("North", leader)
    south = create_team("South", leader)
    set_user_team(advisor.id, north.id, leader)
    set_user_team(colleague.id, north.id, leader)
    User.update(active=False).where(User.id == colleague.id).execute()
    assert [(t.name, t.members) for t in teams()] == [("North", 1), ("South", 0)]
    assert [u.username for u in team_members(north.id)] == ["sam.advisor"]
    assert [u.username for u in team_members(None)] == ["tess.leader"]
    assert south.position > north.position


def test_a_name_is_required_unique_and_tidied(leader):
    create_team("North", leader)
    with pytest.raises(FieldProblemsError, match="already a team called North"):
        create_team("  north ", leader)
    with pytest.raises(FieldProblemsError, match="required"):
        create_team("   ", leader)
    with pytest.raises(FieldProblemsError, match="at most 80"):
        create_team("x" * 81, leader)
    assert create_team("  Night   shift ", leader).name == "Night shift"


def test_renaming_keeps_its_own_name_free_but_not_another(leader):
    north = create_team("North", leader)
    create_team("South", leader)
    assert rename_team(north.id, "NORTH", leader).name == "NORTH"
    with pytest.raises(FieldProblemsError, match="already a team called South"):
        rename_team(north.id, "south", leader)


def test_removing_a_team_leaves_its_members_in_none(leader, advisor):
    north = create_team("North", leader)
    set_user_team(advisor.id, north.id, leader)
    remove_team(north.id, leader)
    assert teams() == []
    assert User.get_by_id(advisor.id).team_id is None


def test_advisors_cannot_change_teams(advisor, leader):
    north = create_team("North", leader)
    with pytest.raises(RolePermissionError, match="only an administrator or a team leader"):
        create_team("South", advisor)
    with pytest.raises(RolePermissionError):
        set_user_team(advisor.id, north.id, advisor)
    with pytest.raises(RolePermissionError):
        remove_team(north.id, advisor)
    assert User.get_by_id(advisor.id).team_id is None


def test_every_change_is_logged_with_who_made_it(leader, advisor):
    north = create_team("North", leader)
    set_user_team(advisor.id, north.id, leader)
    set_user_team(advisor.id, north.id, leader)  # no change, no line
    rename_team(north.id, "North-east", leader)
    set_user_team(advisor.id, None, leader)
    summaries = [c.summary for c in ConfigChange.select().where(ConfigChange.area == TEAMS_AREA)
                 .order_by(ConfigChange.id)]
    assert summaries == ["Team North created.", "Sam Advisor moved from no team to North.",
                         "Team North renamed North-east.",
                         "Sam Advisor moved from North-east to no team."]
    assert {c.user_id for c in ConfigChange.select()} == {leader.id}
