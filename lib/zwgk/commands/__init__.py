"""The command line and the commands that change the dataset (add, remove, build, report).

Enters: what a researcher types. Calls every stage; nothing in a stage imports from here.
"""
