"""What the Jupyter kernel imports to produce a run's artefacts: the review's sections, charts,
action plan, findings.json and the files handed over to ``lks-audit report``.

Nothing here imports papermill or nbconvert (that is :mod:`lks_audit.render`, in the parent
process). This file imports nothing either: the parent imports the modules it needs by name, and a
package that pulled in its siblings here would load pandas there.
"""
