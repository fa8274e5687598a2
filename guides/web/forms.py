"""The region picker on guide pages."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms


class RegionPickerForm(forms.Form):
    """Choose a province (办理地) to see the guide as it applies there."""

    region = forms.ChoiceField(label="选择办理地（省份）", required=False)

    def __init__(self, *args, regions=(), action="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "全国通用")] + [(r.slug, r.name) for r in regions]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_action = action
        self.helper.form_class = "region-picker"
        self.helper.add_input(Submit("go", "查看", css_class="btn-secondary"))
