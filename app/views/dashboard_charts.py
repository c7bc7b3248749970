"""The dashboard's charts: bar charts (QtCharts) titled, with labelled axes, readable numbers,
colours told apart by people with colour-blindness and legible on a dark palette, and a
signal saying which bar was clicked."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QHorizontalStackedBarSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QRectF, Qt, Signal, Slot
from PySide6.QtGui import QColor, QFont, QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

# Okabe and Ito's palette: told apart with any common colour-blindness.
BLUE, SKY, GREEN, ORANGE, VERMILLION, GREY = ("#0072B2", "#56B4E9", "#009E73", "#E69F00",
                                              "#D55E00", "#999999")
BAR_HEIGHT = 26  # pixels per bar of a horizontal chart
MIN_HEIGHT = 260
NICE_STEPS = (1, 2, 2.5, 5, 10)


def nice_axis(top: float, ticks: int = 5, whole: bool = True) -> tuple[float, float]:
    """The top of a value axis starting at 0, and the step between its ticks: round
    numbers (1, 2, 2.5 or 5 times a power of ten), about ``ticks`` of them, whole numbers
    for counts."""
    if top <= 0:
        return 1.0, 1.0
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    step = next(n * power for n in NICE_STEPS if n * power >= raw)
    if whole:
        step = max(1.0, float(math.ceil(step)))
    return step * math.ceil(top / step - 1e-9), step


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def primary_colour(palette: QPalette) -> QColor:
    """The one-series colour: blue, lighter on a dark palette so it stands out."""
    return QColor(SKY if is_dark(palette) else BLUE)


@dataclass(frozen=True)
class Series:
    """One set of bars: its name (the legend's), values (one per category) and colour."""

    name: str
    values: Sequence[float]
    colour: QColor | str


class BarChart(QChartView):
    """A titled bar chart, vertical or horizontal, grouped or stacked.

    ``bar_clicked(series, index)`` says which bar (or stacked segment) was clicked: the
    position of its :class:`Series` and of its category. With ``colour_per_bar``, a single
    series is drawn one colour per category (each category its own set, stacked, so that
    the bars stay full width); the series' index is then the category's.
    """

    bar_clicked = Signal(int, int)

    def __init__(self, title: str, value_title: str, category_title: str = "",
                 horizontal: bool = False, stacked: bool = False, value_format: str = "%d",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(MIN_HEIGHT)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.horizontal = horizontal
        self.stacked = stacked
        self.value_title = value_title
        self.category_title = category_title
        self.value_format = value_format
        self.categories: list[str] = []
        self.series_data: list[Series] = []
        self._colour_per_bar = False
        self._series: QAbstractBarSeries | None = None
        chart = QChart()
        chart.setTitle(title)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.legend().setVisible(False)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.setChart(chart)
        self._apply_theme()

    # --- reading (for the tests, and for the tooltips) -------------------------------------
    def title(self) -> str:
        return self.chart().title()

    def values(self, series: int = 0) -> list[float]:
        """The values drawn for one series, in category order."""
        if self._colour_per_bar:
            return [s.at(i) for i, s in enumerate(self._series.barSets())]
        return [self._series.barSets()[series].at(i) for i in range(len(self.categories))]

    def bar_sets(self) -> list[QBarSet]:
        return list(self._series.barSets()) if self._series is not None else []

    # --- drawing ---------------------------------------------------------------------------
    def set_title(self, title: str) -> None:
        self.chart().setTitle(title)

    def set_data(self, categories: Sequence[str], series: Sequence[Series],
                 colour_per_bar: bool = False, label_at: Sequence[int] | None = None,
                 labels: bool = True, axis_labels: Sequence[str] | None = None) -> None:
        """Draw ``series`` over ``categories`` (their full names, which tooltips show).

        Args:
            colour_per_bar: one series, each bar in the colour given by its index in
                ``series[0].colour`` (a sequence of colours).
            label_at: on a long category axis, the categories labelled (None: all).
            labels: write each bar's value beside it (never on stacked segments).
            axis_labels: shorter names for the category axis (``P1`` for ``P1 Critical``).
        """
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        self.categories = list(categories)
        self.axis_labels = list(axis_labels or categories)
        self.series_data = list(series)
        self._colour_per_bar = colour_per_bar
        stacked = self.stacked or colour_per_bar
        kind = {(False, False): QBarSeries, (False, True): QStackedBarSeries,
                (True, False): QHorizontalBarSeries,
                (True, True): QHorizontalStackedBarSeries}[(self.horizontal, stacked)]
        bars = kind()
        if colour_per_bar:
            only = series[0]
            for index, (category, value) in enumerate(zip(categories, only.values,
                                                          strict=True)):
                bar_set = QBarSet(category)
                bar_set.append([value if i == index else 0 for i in range(len(categories))])
                bar_set.setColor(QColor(only.colour[index]))
                bar_set.setBorderColor(QColor(only.colour[index]))
                bars.append(bar_set)
        else:
            for one in series:
                bar_set = QBarSet(one.name)
                bar_set.append([float(v) for v in one.values])
                bar_set.setColor(QColor(one.colour))
                bar_set.setBorderColor(QColor(one.colour))
                bars.append(bar_set)
        bars.setBarWidth(0.8 if len(categories) < 60 else 0.95)
        if labels and not self.stacked and len(categories) <= 40:
            bars.setLabelsVisible(True)
            bars.setLabelsFormat("@value")
            bars.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)
            bars.setLabelsPrecision(4)
        chart.addSeries(bars)
        self._series = bars
        chart.legend().setVisible(len(series) > 1 and not colour_per_bar)
        self._add_axes(bars, label_at)
        bars.clicked.connect(self.on_clicked)
        bars.hovered.connect(self.on_hovered)
        if self.horizontal:
            self.setFixedHeight(max(MIN_HEIGHT, 90 + BAR_HEIGHT * len(categories)))
        else:
            self.setFixedHeight(MIN_HEIGHT + 30)
        self._apply_theme()
        self.viewport().update()

    def _add_axes(self, bars: QAbstractBarSeries, label_at: Sequence[int] | None) -> None:
        chart = self.chart()
        if label_at is not None:  # a long axis: a label at some bars only
            category_axis = QCategoryAxis()
            category_axis.setLabelsPosition(
                QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
            for index in label_at:
                category_axis.append(self.axis_labels[index], index)
            category_axis.setRange(-0.5, len(self.categories) - 0.5)
            category_axis.setGridLineVisible(False)
        else:
            category_axis = QBarCategoryAxis()
            category_axis.append(self.axis_labels)
        category_axis.setTitleText(self.category_title)
        value_axis = QValueAxis()
        value_axis.setTitleText(self.value_title)
        value_axis.setLabelFormat(self.value_format)
        # room above the tallest bar for its value
        top = self._top_value() * (1.12 if bars.isLabelsVisible() else 1.0)
        top, step = nice_axis(top, whole=self.value_format == "%d")
        value_axis.setRange(0, top)
        value_axis.setTickType(QValueAxis.TickType.TicksDynamic)
        value_axis.setTickAnchor(0)
        value_axis.setTickInterval(step)
        if self.horizontal:
            chart.addAxis(category_axis, Qt.AlignmentFlag.AlignLeft)
            chart.addAxis(value_axis, Qt.AlignmentFlag.AlignBottom)
        else:
            chart.addAxis(category_axis, Qt.AlignmentFlag.AlignBottom)
            chart.addAxis(value_axis, Qt.AlignmentFlag.AlignLeft)
        bars.attachAxis(category_axis)
        bars.attachAxis(value_axis)

    def _top_value(self) -> float:
        if not self.series_data:
            return 0
        if self.stacked:
            return max((sum(vals) for vals in zip(*(s.values for s in self.series_data),
                                                   strict=True)), default=0)
        return max((v for s in self.series_data for v in s.values), default=0)

    def _apply_theme(self) -> None:
        """Text and lines in the palette's colours, on the window's own background."""
        palette = self.palette()
        chart = self.chart()
        text = palette.color(QPalette.ColorRole.WindowText)
        chart.setBackgroundBrush(palette.color(QPalette.ColorRole.Base))
        chart.setBackgroundRoundness(6)
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        chart.setTitleFont(font)
        chart.setTitleBrush(text)
        chart.legend().setLabelColor(text)
        grid = QColor(text)
        grid.setAlpha(40)
        for axis in chart.axes():
            axis.setLabelsColor(text)
            axis.setTitleBrush(text)
            axis.setLinePenColor(grid)
            axis.setGridLineColor(grid)
        if self._series is not None:
            self._series.setLabelsPosition(self._series.labelsPosition())
            for bar_set in self._series.barSets():
                bar_set.setLabelColor(text)

    def is_empty(self) -> bool:
        return not any(v for s in self.series_data for v in s.values)

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        """Says so when there is nothing to draw, rather than leaving bare axes."""
        super().drawForeground(painter, rect)
        if self.is_empty():
            painter.save()
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.chart().plotArea(), Qt.AlignmentFlag.AlignCenter,
                             self.tr("None in this period"))
            painter.restore()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.PaletteChange:
            self._apply_theme()

    # --- clicks and tooltips ---------------------------------------------------------------
    def _position(self, index: int, bar_set: QBarSet) -> tuple[int, int]:
        series = self._series.barSets().index(bar_set)
        if self._colour_per_bar:
            return 0, series
        return series, index

    @Slot(int, QBarSet)
    def on_clicked(self, index: int, bar_set: QBarSet) -> None:
        series, index = self._position(index, bar_set)
        self.bar_clicked.emit(series, index)

    @Slot(bool, int, QBarSet)
    def on_hovered(self, over: bool, index: int, bar_set: QBarSet) -> None:
        if not over:
            self.setToolTip("")
            return
        series, index = self._position(index, bar_set)
        value = self.series_data[series].values[index]
        name = "" if len(self.series_data) == 1 else f"{self.series_data[series].name}: "
        shown = f"{value:,.1f}" if self.value_format != "%d" else f"{int(value):,}"
        # shown by Qt once the pointer rests on the bar
        self.setToolTip(f"{self.categories[index]}\n{name}{shown}")

    def set_value_title(self, text: str) -> None:
        self.value_title = text
