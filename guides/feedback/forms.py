"""The feedback form: "这个页面有帮助吗？" and "页面有误？"."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout, Submit
from django import forms

from guides.feedback.pages import page_for


class FeedbackForm(forms.Form):
    """ "这个页面有帮助吗？" and "页面有误？" in one small form (POST, with CSRF)."""

    page = forms.CharField(widget=forms.HiddenInput, max_length=500)
    helpful = forms.ChoiceField(
        label="这个页面有帮助吗？",
        choices=[("yes", "有帮助"), ("no", "没有帮助")],
        widget=forms.RadioSelect,
        required=False,
    )
    problem = forms.CharField(
        label="页面有误？请告诉我们哪里不对（可选）",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=1000,
        help_text="例如：费用金额与当地规定不符、链接打不开。最多 1000 字。请不要填写身份证号等个人信息。",
    )
    contact = forms.CharField(
        label="联系方式（可选）",
        required=False,
        max_length=100,
        help_text="希望我们回复时再留：电子邮箱或电话，只用于回复这个问题，不会公开。",
    )
    # A honeypot: people never see it (hidden by CSS, skipped by keyboard and screen
    # readers); form-filling scripts fill it in, and their submission is dropped.
    website = forms.CharField(
        label="网址（请勿填写）",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, action="", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.form_action = action
        self.helper.form_class = "feedback-form"
        self.helper.layout = Layout(
            "page",
            Field("helpful"),
            Field("problem"),
            Field("contact", autocomplete="email"),
            Div("website", css_class="hp-field", aria_hidden="true"),
        )
        self.helper.add_input(Submit("send", "提交"))

    def clean_page(self):
        page = page_for(self.cleaned_data["page"])
        if page is None:
            raise forms.ValidationError("找不到要反馈的页面，请从指南页面重新进入。")
        return page

    def clean_problem(self):
        problem = self.cleaned_data["problem"].strip()
        if problem and len(problem) < 4:
            raise forms.ValidationError("请多写几个字，说明哪里不对。")
        return problem

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("helpful") and not cleaned.get("problem") and "problem" not in self.errors:
            self.add_error("helpful", "请选择这个页面是否有帮助，或者写下哪里有误。")
        return cleaned

    @property
    def is_spam(self):
        return bool(self.cleaned_data.get("website"))
