"""Query lookups the project registers on Django's fields (in PrmConfig.ready)."""

from django.db.models import lookups


class IntegerIn(lookups.In):
    """`in` on an integer column, leaving out values no such column can hold: they match
    no row. Django does this for exact, lt and gt but not for `in`, where SQLite raised
    OverflowError, a 500 for a form's multiple choice of ids given 2**63 (which
    ModelMultipleChoiceField looks up with pk__in)."""

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)
