-- morsel's progress database, schema 6: exact resume.

-- The exercise (question or card id) on screen in the saved bite when the learner left it; NULL for the bite's text.
ALTER TABLE positions ADD COLUMN exercise TEXT;
