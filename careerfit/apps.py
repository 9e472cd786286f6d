from django.apps import AppConfig


class CareerFitConfig(AppConfig):
    name = "careerfit"
    verbose_name = "CareerFit"

    def ready(self) -> None:
        from careerfit import checks  # noqa: F401  (registers the deployment checks)
