"""People (``website.accounts``): a user signs in with an e-mail address and has no user name."""

import factory
from django.contrib.auth.models import Group

PASSWORD = "pw-essaim-2026"


class UserFactory(factory.django.DjangoModelFactory):
    """A person, made by the manager's ``create_user`` (the password hashed, the address
    normalised). ``groups`` takes group names (made when missing); ``verified=True`` gives
    the person a verified primary address, as allauth records one at sign-up."""

    class Meta:
        model = "accounts.User"
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    password = PASSWORD

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        manager = cls._get_manager(model_class)
        return manager.create_user(*args, **kwargs)

    @factory.post_generation
    def groups(self, create, names, **kwargs):
        for name in names or ():
            self.groups.add(Group.objects.get_or_create(name=name)[0])

    @factory.post_generation
    def verified(self, create, verified, **kwargs):
        if create and verified:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
