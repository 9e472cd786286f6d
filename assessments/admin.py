"""Assessments are deliberately not in the admin: nobody but their owner may read them
(DESIGN: admins edit matrices and may not see or change anyone's assessment)."""
