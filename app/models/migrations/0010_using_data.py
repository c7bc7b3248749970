"""Schema 10: using incident data.

- ``team``, and ``user.team_id``: the team an advisor works in, which the dashboard
  filters by.
- ``problem`` (``PRB-2026-0001``): the cause behind recurring incidents, investigated
  apart from them: root cause, known error, workaround. ``problem_event`` is its own
  audit trail; ``problem_counter`` hands out its references; ``incident.problem_id`` links
  an incident to the problem it is one of.
- ``incident_review``: the post-incident review of an incident (one each): root cause with
  its five whys, contributing factors, what went well, lessons learned; a draft until it is
  completed. ``improvement_action``: what the review decided to do, by whom, by when.
- ``satisfaction``: the caller's score (1 to 5) and comment after the incident, one each.
- The setting ``review.required_priorities`` (``1,2``): the priorities that cannot be
  closed before their review is completed.
"""

import peewee as pw

REVIEW_SETTING = "review.required_priorities"


def up(migrator, db):
    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class User(Base):
        class Meta:
            table_name = "user"

    class Incident(Base):
        class Meta:
            table_name = "incident"

    class Setting(Base):
        key = pw.CharField(max_length=60, primary_key=True)
        value = pw.TextField()

    class Team(Base):
        name = pw.CharField(max_length=80, unique=True)
        position = pw.IntegerField(default=0)

    class Problem(Base):
        reference = pw.CharField(max_length=20, unique=True)
        title = pw.CharField(max_length=200)
        description = pw.TextField(default="")
        status = pw.CharField(max_length=20, index=True)
        root_cause = pw.TextField(default="")
        workaround = pw.TextField(default="")
        known_error_at = pw.DateTimeField(null=True)
        owner = pw.ForeignKeyField(User, null=True, on_delete="RESTRICT")
        created_at = pw.DateTimeField()
        created_by = pw.ForeignKeyField(User, on_delete="RESTRICT")
        updated_at = pw.DateTimeField()
        resolved_at = pw.DateTimeField(null=True)
        closed_at = pw.DateTimeField(null=True)
        version = pw.IntegerField(default=1)

    class ProblemEvent(Base):
        problem = pw.ForeignKeyField(Problem, on_delete="RESTRICT", index=True)
        at = pw.DateTimeField()
        user = pw.ForeignKeyField(User, on_delete="RESTRICT")
        action = pw.CharField(max_length=20)
        field = pw.CharField(max_length=40, null=True)
        old_value = pw.TextField(null=True)
        new_value = pw.TextField(null=True)

    class ProblemCounter(Base):
        year = pw.IntegerField(primary_key=True)
        last = pw.IntegerField(default=0)

    class IncidentReview(Base):
        incident = pw.ForeignKeyField(Incident, on_delete="RESTRICT", unique=True)
        status = pw.CharField(max_length=10, index=True)
        root_cause = pw.TextField(default="")
        five_whys = pw.TextField(default="[]")
        contributing_factors = pw.TextField(default="")
        went_well = pw.TextField(default="")
        lessons_learned = pw.TextField(default="")
        started_at = pw.DateTimeField()
        started_by = pw.ForeignKeyField(User, on_delete="RESTRICT")
        updated_at = pw.DateTimeField()
        updated_by = pw.ForeignKeyField(User, on_delete="RESTRICT")
        completed_at = pw.DateTimeField(null=True)
        completed_by = pw.ForeignKeyField(User, null=True, on_delete="RESTRICT")
        version = pw.IntegerField(default=1)

    class ImprovementAction(Base):
        review = pw.ForeignKeyField(IncidentReview, on_delete="RESTRICT", index=True)
        position = pw.IntegerField(default=0)
        description = pw.TextField()
        owner = pw.ForeignKeyField(User, on_delete="RESTRICT", index=True)
        due_on = pw.DateField()
        status = pw.CharField(max_length=12)
        done_at = pw.DateTimeField(null=True)
        created_at = pw.DateTimeField()

        class Meta:
            indexes = ((("status", "due_on"), False),)

    class Satisfaction(Base):
        incident = pw.ForeignKeyField(Incident, on_delete="RESTRICT", unique=True)
        score = pw.SmallIntegerField()
        comment = pw.TextField(default="")
        method = pw.CharField(max_length=10)
        given_at = pw.DateTimeField()
        recorded_at = pw.DateTimeField()
        recorded_by = pw.ForeignKeyField(User, on_delete="RESTRICT")

    db.create_tables([Team, Problem, ProblemEvent, ProblemCounter, IncidentReview,
                      ImprovementAction, Satisfaction])
    # a foreign key column is indexed as it is added
    migrator.migrate(
        migrator.add_column("user", "team_id",
                            pw.ForeignKeyField(Team, null=True, on_delete="RESTRICT",
                                               field=Team.id)),
        migrator.add_column("incident", "problem_id",
                            pw.ForeignKeyField(Problem, null=True, on_delete="RESTRICT",
                                               field=Problem.id)),
    )
    Setting.insert(key=REVIEW_SETTING, value="1,2").on_conflict_ignore().execute()
