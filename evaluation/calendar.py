"""The evaluation stages in each partnership's iCalendar feed (actionplans.calendar)."""
