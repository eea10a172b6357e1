"""The plugin under test is loaded by its `pytest11` entry point; pytester tests the plugin itself."""

pytest_plugins = ["pytester"]
